using System.Globalization;
using System.Net;
using HaDirector.Integration.Tests.Infrastructure;
using HaDirector.Integration.Tests.Vrrp;

namespace HaDirector.Integration.Tests.Metrics;

/// <summary>
/// Issue 17 §4: the metrics endpoint under abuse while a pair runs VRRPv3 at 100 ms — 100 scrapers at once and
/// hundreds of idle connections from a daemon limited to 256 descriptors. Scrapes go on being answered (before, the
/// accept loop died at the first EMFILE and /metrics was gone until a restart), the adverts keep coming, and the
/// daemon listens on the configured address and nothing else.
/// </summary>
public sealed class MetricsAbuseTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    /// <summary>
    /// In the director's namespace: 400 idle connections held for 4 s, and 100 threads scraping in a loop for 8 s;
    /// prints "scrapes=N failed=M".
    /// </summary>
    private const string Abuser = """
        import socket, threading, time, urllib.request
        idle = []
        for _ in range(400):
            s = socket.socket()
            s.settimeout(1)
            try:
                s.connect(("127.0.0.1", 9810)); idle.append(s)
            except OSError:
                s.close()
        ok = [0]; failed = [0]; lock = threading.Lock(); end = time.time() + 8
        def scrape():
            while time.time() < end:
                try:
                    body = urllib.request.urlopen("http://127.0.0.1:9810/metrics", timeout=5).read()
                    good = b"hadirector_vrrp_state" in body
                except Exception:
                    good = False
                with lock:
                    if good: ok[0] += 1
                    else: failed[0] += 1
        threads = [threading.Thread(target=scrape) for _ in range(100)]
        [t.start() for t in threads]
        time.sleep(4)
        [s.close() for s in idle]
        [t.join() for t in threads]
        print(f"scrapes={ok[0]} failed={failed[0]}")
        """;

    private readonly DirectorLan _lan = new("lb1", "lb2");

    public void Dispose() => _lan.Dispose();

    [Fact]
    public void ScrapersAndIdleConnections_ScrapesAnswered_AdvertsUndisturbed_OnlyTheConfiguredListener()
    {
        var lb1 = _lan.Start(_lan["lb1"], DirectorProcess.VrrpConfig(51, 150, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()));
        Wait.Until(() => _lan["lb1"].HasAddress(Vip), Bound, "lb1 master", () => lb1.Process.Output);
        var lb2 = _lan.Start(_lan["lb2"], DirectorProcess.VrrpConfig(51, 100, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()));
        Wait.Until(() => lb2.Process.OutputContains("Initialize -> Backup"), Bound, "lb2 backup", () => lb2.Process.Output);
        Shell.Check("prlimit", "--pid", lb1.Process.Pid.ToString(CultureInfo.InvariantCulture), "--nofile=256:256");
        var transitions = HostileInputTests.Transitions(lb1) + HostileInputTests.Transitions(lb2);
        var heardBefore = lb2.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var abuse = Shell.Run("ip", "netns", "exec", _lan["lb1"].Namespace, "python3", "-c", Abuser);

        var elapsed = clock.Elapsed;
        Assert.True(abuse.ExitCode == 0, abuse.ToString());
        var scrapes = int.Parse(abuse.Stdout.Split("scrapes=")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(scrapes >= 100, abuse.Stdout);
        // After the abuse every scrape is answered again.
        Assert.Equal(2, lb1.Metric("hadirector_vrrp_state{instance=\"web\"}"));
        var heard = lb2.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}") - heardBefore;
        Assert.True(heard >= elapsed.TotalMilliseconds / 100 * 0.8, $"lb2 heard {heard} adverts in {elapsed.TotalSeconds:0.0} s");
        Assert.Equal(transitions, HostileInputTests.Transitions(lb1) + HostileInputTests.Transitions(lb2));
        Assert.False(lb1.Process.HasExited);

        // Listening sockets of the daemon: the configured metrics address only (VRRP's raw sockets are not listeners).
        var listeners = Shell.Check("ip", "netns", "exec", _lan["lb1"].Namespace, "ss", "-Hltnu", "-p")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Contains($"pid={lb1.Process.Pid},", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4])
            .ToList();
        Assert.Equal(["127.0.0.1:9810"], listeners);
    }
}
