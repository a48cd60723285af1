using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// HaDirector paired with keepalived 2.4.3, both with HMAC authentication (keepalived's <c>auth_hmac</c>) in enforce mode,
/// in both roles: VRRPv2 at 1 s and VRRPv3 at 100 ms, multicast and unicast, IPv4, and VRRPv3 over IPv6 (link-local
/// addresses, multicast to ff02::12 and unicast). Each side accepts only the other's signed adverts, so one master at a
/// time proves the trailers verify both ways; then, with either side master, a crash takeover, a graceful handover (a
/// signed priority 0) and the preemption back. The roll-out and the key rotation: <see cref="KeepalivedHmacRolloutTests"/>.
/// </summary>
public sealed class KeepalivedHmacInteropTests : IDisposable
{
    internal const string HexKey = "5a6b7c8d9e0f112233445566778899aabbccddeeff00112233445566778899aa";
    private static readonly IPAddress Vip4 = IPAddress.Parse("198.18.0.100");
    private static readonly IPAddress Vip6 = IPAddress.Parse("2001:2::100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private InteropLan? _lan;

    public void Dispose() => _lan?.Dispose();

    /// <summary>The LAN of lb1 and lb2: IPv4, or IPv6 with link-local addresses only.</summary>
    private InteropLan Open(bool ipv6) =>
        _lan = ipv6 ? new InteropLan(new Ipv6Lan(globalAddresses: false, "lb1", "lb2").Lan, Vip6) : new InteropLan(Vip4);

    internal static string WithHmac(string yaml, string key = HexKey, string extra = "") =>
        yaml.Replace("      virtualAddresses: [",
            $"      authentication: {{ type: hmac, activeKey: 1, keys: [{{ id: 1, key: 'hex:{key}' }}]{extra} }}\n      virtualAddresses: [",
            StringComparison.Ordinal);

    /// <summary>The address a host sends from: its IPv4 address, or its link-local one on an IPv6 LAN.</summary>
    private IPAddress SourceOf(LanHost host) =>
        _lan!.Vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? IPAddress.Parse(_lan.Addresses(host).Single(a => a.StartsWith("fe80:", StringComparison.Ordinal)).Split('/')[0])
            : host.Address;

    private DirectorProcess StartOurs(LanHost host, int priority, int version, TimeSpan interval, bool unicast, string? authentication = null)
    {
        var lan = _lan!;
        var peer = unicast ? SourceOf(lan.Other(host)).ToString() : null;
        var yaml = DirectorProcess.VrrpConfig(51, priority, version, interval, lan.Vip.ToString(), unicastPeer: peer);
        // keepalived sends IPv6 unicast with hop limit 64 (tests/Vrrp.Tests/Fixtures/README.md): only the HMAC can vouch for it.
        var routed = unicast && lan.Vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? ", acceptRoutedUnicast: true" : "";
        yaml = authentication is null
            ? WithHmac(yaml, extra: routed)
            : yaml.Replace("      virtualAddresses: [", $"      authentication: {authentication}\n      virtualAddresses: [", StringComparison.Ordinal);
        return lan.StartOurs(host, yaml);
    }

    private static string KeepalivedHmac(string key = HexKey) => $"        key 1 hex:{key}\n        active_key 1\n        mode enforce";

    private Keepalived24Peer StartKeepalived(LanHost host, int priority, int version, TimeSpan interval, bool unicast, string? hmac = null)
    {
        var lan = _lan!;
        return lan.Add(new Keepalived24Peer(host, 51, priority, version, interval, lan.Vip, hmac ?? KeepalivedHmac(),
            unicast ? (SourceOf(host), SourceOf(lan.Other(host))) : null));
    }

    /// <summary>The sum of a metric's series, whatever their labels.</summary>
    internal static double Sum(DirectorProcess d, string metric) =>
        d.Metrics().Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    private static double AuthFailures(DirectorProcess d) => Sum(d, "hadirector_vrrp_auth_failures_total");

    internal static void CrashAll(LanHost host)
    {
        var pids = Shell.Check("ip", "netns", "pids", host.Namespace).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (pids.Length > 0)
        {
            // Stopped first: keepalived's VRRP child gets SIGTERM when its parent dies (PR_SET_PDEATHSIG) and, on a loaded
            // machine, could handle it (a priority 0) before its own SIGKILL lands.
            Shell.Check("kill", ["-STOP", .. pids]);
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

    /// <summary>version, advert interval (ms), unicast, IPv6.</summary>
    public static TheoryData<int, int, bool, bool> Combinations => new()
    {
        { 2, 1000, false, false },
        { 2, 1000, true, false },
        { 3, 100, false, false },
        { 3, 100, true, false },
        { 3, 100, false, true },
        { 3, 100, true, true },
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public void KeepalivedMaster_OursBackup_ElectionCrashTakeoverPreemptionAndGracefulHandover(int version, int intervalMs, bool unicast, bool ipv6)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lan = Open(ipv6);
        var lb1 = lan["lb1"];
        var lb2 = lan["lb2"];
        StartKeepalived(lb1, 150, version, interval, unicast);
        lan.WaitSoleMaster(lb1);
        var ours = StartOurs(lb2, 100, version, interval, unicast);
        lan.WaitOutput(ours.Process, "Initialize -> Backup");
        // Ours in enforce mode stays backup only while keepalived's trailers verify.
        lan.HoldsSoleMaster(lb1, 4 * interval + TimeSpan.FromSeconds(1));
        Assert.Equal(0, AuthFailures(ours));
        Assert.True(ours.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}") > 0);

        // keepalived crashes (no priority 0): ours takes over after Master_Down_Interval. SIGKILL to the parent alone
        // would let its VRRP child resign, so every process of lb1's namespace (only keepalived's) is killed at once.
        CrashAll(lb1);
        // A crashed host's VIP is gone with it (if the kill left it behind).
        Shell.RunWithTimeout(TimeSpan.FromSeconds(10), "ip", "-n", lb1.Namespace, "addr", "del", $"{lan.Vip}/{(ipv6 ? 128 : 32)}", "dev", "eth0");
        lan.WaitSoleMaster(lb2);
        lan.WaitOutput(ours.Process, "Backup -> Master (MasterDownTimerExpired)");

        // keepalived returns with the higher priority: ours verifies its adverts and steps down.
        var back = StartKeepalived(lb1, 150, version, interval, unicast);
        lan.WaitSoleMaster(lb1);
        lan.WaitOutput(ours.Process, "Master -> Backup (HigherPriorityAdvert)");

        // keepalived resigns (SIGTERM: its signed priority 0): ours verifies it and takes over at once, not after
        // Master_Down_Interval.
        back.Process.Terminate();
        lan.WaitSoleMaster(lb2);
        lan.WaitOutput(ours.Process, "Backup -> Master (PriorityZeroReceived)");
        Assert.Equal(0, AuthFailures(ours));
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void OursMaster_KeepalivedBackup_ElectionGracefulHandoverPreemptionAndCrashTakeover(int version, int intervalMs, bool unicast, bool ipv6)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lan = Open(ipv6);
        var lb1 = lan["lb1"];
        var lb2 = lan["lb2"];
        var ours = StartOurs(lb1, 150, version, interval, unicast);
        lan.WaitSoleMaster(lb1);
        var keepalived = StartKeepalived(lb2, 100, version, interval, unicast).Process;
        lan.WaitOutput(keepalived, "Entering BACKUP STATE");
        // keepalived in enforce mode stays backup only while our trailers verify.
        lan.HoldsSoleMaster(lb1, 4 * interval + TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(keepalived.Lines, l => l.Contains("authentication", StringComparison.OrdinalIgnoreCase));

        // Ours resigns (SIGTERM, a signed priority 0): keepalived takes over at once.
        ours.Process.Terminate();
        lan.WaitSoleMaster(lb2);

        // Ours returns with the higher priority: keepalived verifies it and steps down.
        var back = StartOurs(lb1, 150, version, interval, unicast);
        lan.WaitSoleMaster(lb1);
        Assert.Equal(0, AuthFailures(back));

        // Ours crashes (no priority 0): keepalived takes over after its Master_Down_Interval, a second time master.
        CrashAll(lb1);
        Shell.RunWithTimeout(TimeSpan.FromSeconds(10), "ip", "-n", lb1.Namespace, "addr", "del", $"{lan.Vip}/{(ipv6 ? 128 : 32)}", "dev", "eth0");
        lan.WaitSoleMaster(lb2);
        Wait.Until(() => keepalived.Lines.Count(l => l.Contains("Entering MASTER STATE", StringComparison.Ordinal)) == 2, Bound,
            "keepalived to take over again", lan.Diagnostics);
        Assert.DoesNotContain(keepalived.Lines, l => l.Contains("authentication", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void OursBackup_KeepalivedWithAnotherKey_AdvertsRefusedAndCounted()
    {
        // The checks above can fail: with different keys each side refuses the other's adverts (both become master).
        var lan = Open(ipv6: false);
        var lb1 = lan["lb1"];
        var lb2 = lan["lb2"];
        StartKeepalived(lb1, 150, 3, TimeSpan.FromMilliseconds(100), unicast: false, hmac: KeepalivedHmac(new string('1', 64)));
        lan.WaitSoleMaster(lb1);
        var ours = StartOurs(lb2, 100, 3, TimeSpan.FromMilliseconds(100), unicast: false);

        Wait.Until(() => MetricOrZero(ours, "hadirector_vrrp_auth_failures_total{instance=\"web\",reason=\"bad_hmac\"}") > 0, Bound, "bad_hmac counted", lan.Diagnostics);
        Wait.Until(() => lb2.HasAddress(Vip4), Bound, "ours to become master (it hears no valid master)", lan.Diagnostics);
    }
}
