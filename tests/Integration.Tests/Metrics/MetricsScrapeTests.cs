using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Metrics;

/// <summary>A live scrape of a real daemon, linted by Prometheus' own promtool, after a real takeover.</summary>
public sealed class MetricsScrapeTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly DirectorLan _lan = new("lb1", "lb2");

    public void Dispose()
    {
        foreach (var s in _servers)
        {
            s.Dispose();
        }
        _lan.Dispose();
    }

    private readonly List<ManagedProcess> _servers = [];

    private DirectorProcess Start(string host, int priority, string extra = "") =>
        _lan.Start(_lan[host], DirectorProcess.VrrpConfig(51, priority, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()) + extra);

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

    [Fact]
    public void Scrape_RightAfterStart_BuildInfoIsTheCliVersionAndEveryCounterIsThereAtZero()
    {
        var lb1 = Start("lb1", 100);
        Wait.Until(() => Shell.Run("ip", "netns", "exec", _lan["lb1"].Namespace, "curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:9810/metrics").ExitCode == 0,
            Bound, "the metrics endpoint", () => lb1.Process.Output);
        var version = Shell.Check(Binary.Path, "--version").Trim();

        var scrape = lb1.Metrics();

        var lint = Shell.RunWithInput(scrape, "promtool", "check", "metrics");
        Assert.True(lint.ExitCode == 0 && lint.Stdout.Trim().Length == 0 && lint.Stderr.Trim().Length == 0, lint + "\n" + scrape);
        Assert.Contains($"hadirector_build_info{{version=\"{version}\"}} 1", scrape);
        Assert.Contains("hadirector_vrrp_adverts_received_total{instance=\"web\"} 0", scrape);
        Assert.Contains("hadirector_vrrp_priority_zero_received_total{instance=\"web\"} 0", scrape);
        Assert.Contains("hadirector_vrrp_priority_zero_sent_total{instance=\"web\"} 0", scrape);
        Assert.Matches("hadirector_vrrp_packets_dropped_total\\{interface=\"[^\"]+\",reason=\"VersionMismatch\",family=\"ipv4\"\\} 0", scrape);
    }

    [Fact]
    public void Scrape_WithHealthChecks_PassesPromtoolAndShowsUpAndDownRealServers()
    {
        // Two "real servers", checked on :8080: lb1's own LAN address answers HTTP there, lb2's refuses.
        // The host has no IPVS, so the verdicts stop at the reconciler (its failed passes are counted),
        // but health is real.
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        _servers.Add(new ManagedProcess("http@lb1", lb1.Namespace, "python3", ["-m", "http.server", "8080", "--bind", lb1.Address.ToString()]));
        var director = Start("lb1", 150, $$"""

            virtualServers:
              - name: web
                vip: {{Vip}}
                port: 80
                healthCheck: { type: http, path: /, port: 8080, interval: 1s, timeout: 500ms, rise: 1, fall: 1 }
                realServers:
                  - { address: {{lb1.Address}}, weight: 2 }
                  - { address: {{lb2.Address}}, weight: 1 }
            """);
        Wait.Until(() => Shell.Run("ip", "netns", "exec", lb1.Namespace, "curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:9810/metrics").ExitCode == 0,
            Bound, "the metrics endpoint", () => director.Process.Output);
        var up = $"hadirector_real_server_up{{virtual_server=\"web\",real_server=\"{lb1.Address}:80\"}}";
        var down = $"hadirector_real_server_up{{virtual_server=\"web\",real_server=\"{lb2.Address}:80\"}}";
        // "up" is 1 before the first check too: wait for results (lb1's checks counted up, lb2's down).
        var upChecks = $"hadirector_healthcheck_checks_total{{virtual_server=\"web\",real_server=\"{lb1.Address}:80\",result=\"up\"}}";
        var downChecks = $"hadirector_healthcheck_checks_total{{virtual_server=\"web\",real_server=\"{lb2.Address}:80\",result=\"down\"}}";
        Wait.Until(() => director.Metric(upChecks) >= 1 && director.Metric(downChecks) >= 1
                && director.Metric(up) == 1 && director.Metrics().Contains(down + " 0", StringComparison.Ordinal), Bound,
            "health to find lb1 up and lb2 down", () => director.Process.Output);

        var scrape = director.Metrics();
        var lint = Shell.RunWithInput(scrape, "promtool", "check", "metrics");
        Assert.True(lint.ExitCode == 0 && lint.Stdout.Trim().Length == 0 && lint.Stderr.Trim().Length == 0, lint + "\n" + scrape);
        Assert.True(director.Metric($"hadirector_healthcheck_checks_total{{virtual_server=\"web\",real_server=\"{lb2.Address}:80\",result=\"down\"}}") >= 1, scrape);
        Assert.Contains("hadirector_healthcheck_duration_seconds_bucket{virtual_server=\"web\"", scrape);
        Assert.Equal(0, director.Metric($"hadirector_real_server_weight{{virtual_server=\"web\",real_server=\"{lb2.Address}:80\"}}"));
        Assert.Equal(2, director.Metric($"hadirector_real_server_weight{{virtual_server=\"web\",real_server=\"{lb1.Address}:80\"}}"));
    }
}
