using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Metrics;
using HaDirector.Vrrp.Election;

namespace HaDirector.Director.Tests.Vrrp;

public sealed class VrrpInstanceRuntimeTests
{
    [Fact]
    public async Task Execute_Takeover_RecordsStateSinceAndCauseAndTheMetricsAScrapeShows()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        var takeoverAt = director.Time.GetUtcNow() + TestDirector.MasterDown;

        await director.AdvanceAsync(TestDirector.MasterDown);

        var runtime = director.Instance().Runtime;
        Assert.Equal(VrrpTransitionCause.MasterDownTimerExpired, runtime.LastCause);
        Assert.InRange(runtime.Since, takeoverAt - TimeSpan.FromSeconds(1), takeoverAt);
        await TestDirector.WaitUntilAsync(() => Scrape.OfAsync(director.Registry).Result.Value("hadirector_vrrp_state{instance=\"web\"}") == 2,
            "the state gauge (recorded off the takeover path)");
        var scrape = await Scrape.OfAsync(director.Registry);
        Assert.Equal(1, scrape.Value("hadirector_vrrp_transitions_total{instance=\"web\",to=\"master\",cause=\"MasterDownTimerExpired\"}"));
        Assert.Equal(1, scrape.Value("hadirector_vrrp_adverts_sent_total{instance=\"web\"}"));
        Assert.Equal(1, scrape.Value("hadirector_vrrp_garp_sent_total{instance=\"web\"}")); // the burst's first round, for its one VIP
    }

    [Fact]
    public async Task Execute_GarpBurst_RepeatsOnTheFakeClockThenStops()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);

        await director.AdvanceAsync(TimeSpan.FromMilliseconds(100)); // garp: repeat 2, interval 100ms
        await director.AdvanceAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, director.Kernel.Effects.Count(e => e == "garp eth0 198.18.0.100"));
    }

    [Fact]
    public async Task ForgetMetrics_InstanceRetiredByAReload_ItsSeriesLeaveTheScrape()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);

        await director.Vrrp.RetireAsync(TestDirector.Load(TestDirector.WebYaml.Replace("name: web\n", "name: other\n")));

        var scrape = await Scrape.OfAsync(director.Registry);
        Assert.DoesNotContain("instance=\"web\"", scrape.Text);
    }
}
