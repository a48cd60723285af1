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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Execute_SteadyMasterAdverts_AllocateNothingPerAdvert(bool hmac)
    {
        // A master at 20 ms sends 50 adverts a second for as long as it runs: the timer's step, the action, the packet,
        // the send (its encoding, the HMAC trailer, the counter) must not leave garbage behind each one.
        var auth = hmac
            ? "      authentication: { type: hmac, activeKey: 1, keys: [{ id: 1, key: 'director-test-key-one-0123456789abcdef' }] }\n"
            : "";
        var yaml = """
            vrrp:
              instances:
                - name: web
                  interface: eth0
                  vrid: 51
                  priority: 150
                  version: 3
                  advertInterval: 20ms
                  virtualAddresses: [198.18.0.100/32]
                  garp: { repeat: 1, interval: 100ms, refresh: 0s }

            """ + auth;
        await using var director = new TestDirector(yaml);
        await director.StartAsync();
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        var instance = director.Instance();
        Assert.Equal(VrrpState.Master, instance.Driver.State);
        var socket = director.Kernel.Socket("eth0");
        socket.Recording = false;
        // The runtime as the driver calls it on each Adver_Timer firing (the driver's own part: VrrpInstanceDriverTests;
        // the fake clock's timers allocate per firing themselves).
        var sink = instance.Runtime;
        var options = instance.Driver.Options;
        var advert = new VrrpAction.SendAdvert(options.Priority);
        for (var i = 0; i < 10; i++)
        {
            sink.Execute(options, advert);
        }

        var sentBefore = socket.SendCount;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            sink.Execute(options, advert);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(500, socket.SendCount - sentBefore);
        Assert.Equal(0, allocated);
    }
}
