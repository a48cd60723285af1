using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Metrics;

/// <summary>A live scrape of a real daemon, linted by Prometheus' own promtool, after a real takeover.</summary>
public sealed class MetricsScrapeTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly LanTopology _lan = new("lb1", "lb2");
    private readonly List<DirectorProcess> _directors = [];

    public void Dispose()
    {
        foreach (var d in _directors)
        {
            d.Dispose();
        }
        _lan.Dispose();
    }

    private DirectorProcess Start(string host, int priority)
    {
        var d = new DirectorProcess(_lan[host], DirectorProcess.VrrpConfig(51, priority, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()));
        _directors.Add(d);
        return d;
    }

    [Fact]
    public void Scrape_AfterATakeover_PassesPromtoolAndCarriesTheTransition()
    {
        var lb1 = Start("lb1", 150);
        var lb2 = Start("lb2", 100);
        Wait.Until(() => _lan["lb1"].HasAddress(Vip), Bound, "lb1 master");
        lb1.Process.Kill9();
        Wait.Until(() => _lan["lb2"].HasAddress(Vip), Bound, "lb2 to take over");

        var scrape = lb2.Metrics();
        var lint = Shell.RunWithInput(scrape, "promtool", "check", "metrics");
        Assert.True(lint.ExitCode == 0 && lint.Stdout.Trim().Length == 0 && lint.Stderr.Trim().Length == 0, lint + "\n" + scrape);

        Assert.Equal(2, lb2.Metric("hadirector_vrrp_state{instance=\"web\"}"));
        Assert.True(lb2.Metric("hadirector_vrrp_transitions_total{instance=\"web\",to=\"master\",cause=\"MasterDownTimerExpired\"}") >= 1, scrape);
        Assert.True(lb2.Metric("hadirector_vrrp_adverts_sent_total{instance=\"web\"}") >= 1);
        Assert.True(lb2.Metric("hadirector_vrrp_garp_sent_total{instance=\"web\"}") >= 1);
        Assert.Contains("hadirector_build_info{version=", scrape);
        Assert.True(lb2.Metric("process_working_set_bytes") > 0, scrape);
        Assert.Contains("hadirector_ipvs_reconcile_passes_total 0", scrape); // no virtual servers: the kernel is never asked
    }
}
