using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// HaDirector paired with keepalived 2.4.3, both with HMAC authentication (keepalived's <c>auth_hmac</c>) in enforce mode,
/// in both roles, VRRPv2 multicast at 1 s and VRRPv3 unicast at 100 ms: each side accepts only the other's signed adverts,
/// so one master at a time proves the trailers verify both ways; then a crash takeover and a graceful handover.
/// </summary>
public sealed class KeepalivedHmacInteropTests : IDisposable
{
    internal const string HexKey = "5a6b7c8d9e0f112233445566778899aabbccddeeff00112233445566778899aa";
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly LanTopology _lan = new("lb1", "lb2");
    private readonly List<IDisposable> _processes = [];

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }
        _lan.Dispose();
    }

    internal static string WithHmac(string yaml, string key = HexKey, string extra = "") =>
        yaml.Replace("      virtualAddresses: [",
            $"      authentication: {{ type: hmac, activeKey: 1, keys: [{{ id: 1, key: 'hex:{key}' }}]{extra} }}\n      virtualAddresses: [",
            StringComparison.Ordinal);

    private (IPAddress, IPAddress)? Unicast(LanHost self, bool unicast) =>
        unicast ? (self.Address, _lan.Hosts.Values.Single(h => h != self).Address) : null;

    private DirectorProcess StartOurs(LanHost host, int priority, int version, TimeSpan interval, bool unicast)
    {
        var peer = unicast ? _lan.Hosts.Values.Single(h => h != host).Address.ToString() : null;
        var d = new DirectorProcess(host, WithHmac(DirectorProcess.VrrpConfig(51, priority, version, interval, Vip.ToString(), unicastPeer: peer)));
        _processes.Add(d);
        return d;
    }

    private ManagedProcess StartKeepalived(LanHost host, int priority, int version, TimeSpan interval, bool unicast, string key = HexKey)
    {
        var k = new Keepalived24Peer(host, 51, priority, version, interval, Vip, $"        key 1 hex:{key}\n        active_key 1\n        mode enforce",
            Unicast(host, unicast));
        _processes.Add(k);
        return k.Process;
    }

    private string Diagnostics() =>
        string.Join(Environment.NewLine, _processes.Select(p => p switch
        {
            DirectorProcess d => d.Process.Output,
            Keepalived24Peer k => k.Process.Output,
            _ => "",
        }))
        + $"{Environment.NewLine}lb1: {string.Join(", ", _lan["lb1"].Addresses())}; lb2: {string.Join(", ", _lan["lb2"].Addresses())}";

    private void WaitSoleMaster(LanHost master, LanHost other) =>
        Wait.Until(() => master.HasAddress(Vip) && !other.HasAddress(Vip), Bound, $"{master.Name} to hold {Vip} alone", Diagnostics);

    private static double AuthFailures(DirectorProcess d) =>
        d.Metrics().Split('\n').Where(l => l.StartsWith("hadirector_vrrp_auth_failures_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    internal static void CrashAll(LanHost host)
    {
        var pids = Shell.Check("ip", "netns", "pids", host.Namespace).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (pids.Length > 0)
        {
            Shell.Check("kill", ["-9", .. pids]);
        }
    }

    private static double MetricOrZero(DirectorProcess d, string series)
    {
        try
        {
            return d.Metric(series);
        }
        catch (InvalidOperationException)
        {
            return 0; // not listening yet
        }
    }

    [Theory]
    [InlineData(2, 1000, false)]
    [InlineData(3, 100, true)]
    public void KeepalivedMaster_OursBackup_ElectionCrashTakeoverAndPreemption(int version, int intervalMs, bool unicast)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var keepalived = StartKeepalived(lb1, 150, version, interval, unicast);
        WaitSoleMaster(lb1, lb2);
        var ours = StartOurs(lb2, 100, version, interval, unicast);
        Wait.Until(() => ours.Process.OutputContains("Initialize -> Backup"), Bound, "ours to enter Backup", Diagnostics);
        // Ours in enforce mode stays backup only while keepalived's trailers verify.
        Wait.Holds(() => lb1.HasAddress(Vip) && !lb2.HasAddress(Vip), 4 * interval + TimeSpan.FromSeconds(1), "one master", Diagnostics);
        Assert.Equal(0, AuthFailures(ours));
        Assert.True(ours.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}") > 0);

        // keepalived crashes (no priority 0): ours takes over after Master_Down_Interval. SIGKILL to the parent alone
        // would let its VRRP child resign, so every process of lb1's namespace (only keepalived's) is killed at once.
        _ = keepalived;
        CrashAll(lb1);
        // A crashed host's VIP is gone with it (if the kill left it behind).
        Shell.RunWithTimeout(TimeSpan.FromSeconds(10), "ip", "-n", lb1.Namespace, "addr", "del", Vip + "/32", "dev", "eth0");
        WaitSoleMaster(lb2, lb1);
        Wait.Until(() => ours.Process.OutputContains("Backup -> Master (MasterDownTimerExpired)"), Bound, "a crash takeover", Diagnostics);

        // keepalived returns with the higher priority: ours verifies its adverts and steps down.
        StartKeepalived(lb1, 150, version, interval, unicast);
        WaitSoleMaster(lb1, lb2);
        Wait.Until(() => ours.Process.OutputContains("Master -> Backup (HigherPriorityAdvert)"), Bound, "ours to step down", Diagnostics);
        Assert.Equal(0, AuthFailures(ours));
    }

    [Theory]
    [InlineData(2, 1000, false)]
    [InlineData(3, 100, true)]
    public void OursMaster_KeepalivedBackup_ElectionGracefulHandoverAndPreemption(int version, int intervalMs, bool unicast)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var ours = StartOurs(lb1, 150, version, interval, unicast);
        WaitSoleMaster(lb1, lb2);
        var keepalived = StartKeepalived(lb2, 100, version, interval, unicast);
        Wait.Until(() => keepalived.OutputContains("Entering BACKUP STATE"), Bound, "keepalived to enter BACKUP", Diagnostics);
        // keepalived in enforce mode stays backup only while our trailers verify.
        Wait.Holds(() => lb1.HasAddress(Vip) && !lb2.HasAddress(Vip), 4 * interval + TimeSpan.FromSeconds(1), "one master", Diagnostics);
        Assert.DoesNotContain(keepalived.Lines, l => l.Contains("authentication", StringComparison.OrdinalIgnoreCase));

        // Ours resigns (SIGTERM, a signed priority 0): keepalived takes over at once.
        ours.Process.Terminate();
        WaitSoleMaster(lb2, lb1);

        // Ours returns with the higher priority: keepalived verifies it and steps down.
        var back = StartOurs(lb1, 150, version, interval, unicast);
        WaitSoleMaster(lb1, lb2);
        Assert.DoesNotContain(keepalived.Lines, l => l.Contains("authentication", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, AuthFailures(back));
    }

    [Fact]
    public void OursBackup_KeepalivedWithAnotherKey_AdvertsRefusedAndCounted()
    {
        // The check above can fail: with different keys each side refuses the other's adverts (both become master).
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        StartKeepalived(lb1, 150, 3, TimeSpan.FromMilliseconds(100), unicast: false, key: new string('1', 64));
        WaitSoleMaster(lb1, lb2);
        var ours = StartOurs(lb2, 100, 3, TimeSpan.FromMilliseconds(100), unicast: false);

        Wait.Until(() => MetricOrZero(ours, "hadirector_vrrp_auth_failures_total{instance=\"web\",reason=\"bad_hmac\"}") > 0, Bound, "bad_hmac counted", Diagnostics);
        Wait.Until(() => lb2.HasAddress(Vip), Bound, "ours to become master (it hears no valid master)", Diagnostics);
    }
}
