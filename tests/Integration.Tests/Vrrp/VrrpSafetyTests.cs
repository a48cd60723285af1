using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// What operators and the field do to a pair (rtr + lb1 + lb2 in namespaces, VRRPv3 at 100 ms): a VIP deleted on the
/// master, the master's link flapped, a failover with no peer, a peer misconfigured onto another VRID (issues 15 and 21).
/// </summary>
public sealed class VrrpSafetyTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly DirectorLan _lan = new("lb1", "lb2");

    private LanHost Lb1 => _lan["lb1"];

    private LanHost Lb2 => _lan["lb2"];

    public void Dispose() => _lan.Dispose();

    private DirectorProcess Start(LanHost host, int priority, int vrid = 51) =>
        _lan.Start(host, DirectorProcess.VrrpConfig(vrid, priority, 3, Interval, Vip.ToString()));

    private string Diagnostics() => _lan.Diagnostics()
        + $"{Environment.NewLine}lb1: {string.Join(", ", Lb1.Addresses())}; lb2: {string.Join(", ", Lb2.Addresses())}";

    private (DirectorProcess Lb1, DirectorProcess Lb2) StartPair()
    {
        var lb1 = Start(Lb1, 150);
        var lb2 = Start(Lb2, 100);
        Wait.Until(() => Lb1.HasAddress(Vip) && !Lb2.HasAddress(Vip), Bound, "lb1 to hold the VIP alone", Diagnostics);
        Wait.Until(() => _lan.Lan.RouterNeighbourMac(Vip) == Lb1.Mac, Bound, "the router's entry on lb1", Diagnostics);
        return (lb1, lb2);
    }

    [Fact]
    public void IpAddrDel_OfTheVipOnTheMaster_BackWithin100msAndTheRouterStaysOnTheMaster()
    {
        var (lb1, _) = StartPair();

        // The kernel's own timestamps of the removal and of the re-add (`ip -ts monitor`): no command's start-up cost counts.
        using var monitor = new ManagedProcess("ip-monitor@lb1", Lb1.Namespace, "ip", ["-ts", "monitor", "address"]);
        Thread.Sleep(300);
        LanTopology.Ip(Lb1.Namespace, "addr", "del", Vip + "/32", "dev", "eth0");
        Wait.Until(() => Lb1.HasAddress(Vip), Bound, "the VIP back on lb1", Diagnostics);
        Wait.Until(() => VipEvents(monitor).Count >= 2, Bound, "both address events", () => monitor.Output);

        var events = VipEvents(monitor);
        Assert.Equal([true, false], events.Take(2).Select(e => e.Deleted));
        var back = events[1].At - events[0].At;
        Assert.True(back < TimeSpan.FromMilliseconds(100), $"the VIP was back after {back.TotalMilliseconds:F1} ms{Environment.NewLine}{Diagnostics()}");
        Assert.False(Lb2.HasAddress(Vip));
        Assert.Equal(Lb1.Mac, _lan.Lan.RouterNeighbourMac(Vip));
        Wait.Until(() => lb1.Process.OutputContains("was removed from eth0 by someone else while master: added back and announced again"), Bound,
            "the re-add logged", Diagnostics);
        Assert.Equal(1, lb1.Metric("hadirector_vrrp_vip_readded_total{instance=\"web\"}"));
    }

    /// <summary>The VIP's lines of `ip -ts monitor address`: "[2026-12-06T21:59:01.123456] Deleted 2: eth0    inet 198.18.0.100/32 ...".</summary>
    private static List<(DateTime At, bool Deleted)> VipEvents(ManagedProcess monitor) =>
        [.. monitor.Lines.Where(l => l.Contains($"inet {Vip}/32", StringComparison.Ordinal) && l.StartsWith('['))
            .Select(l => (DateTime.Parse(l[1..l.IndexOf(']', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture),
                l.Contains("] Deleted ", StringComparison.Ordinal)))];

    [Fact]
    public void LinkFlap_OfTheMaster_OneMasterAndTheRouterOnItsMacWithin1sOfLinkUp()
    {
        var (lb1, lb2) = StartPair();

        LanTopology.Ip(Lb1.Namespace, "link", "set", "eth0", "down");
        Wait.Until(() => Lb2.HasAddress(Vip) && _lan.Lan.RouterNeighbourMac(Vip) == Lb2.Mac, Bound, "lb2 to take over", Diagnostics);
        var clock = Stopwatch.StartNew();
        LanTopology.Ip(Lb1.Namespace, "link", "set", "eth0", "up");

        // lb1 preempts back (Master_Down_Interval ~ 0.35 s) and its gratuitous ARP must reach the router.
        Wait.Until(() => _lan.Lan.RouterNeighbourMac(Vip) == Lb1.Mac, Bound, "the router's entry back on lb1", Diagnostics);
        var moved = clock.Elapsed;
        Assert.True(moved < TimeSpan.FromSeconds(1), $"the router moved to lb1 {moved.TotalMilliseconds:F0} ms after link up{Environment.NewLine}{Diagnostics()}");
        Wait.Until(() => Lb1.HasAddress(Vip) && !Lb2.HasAddress(Vip), Bound, "one master", Diagnostics);
        // Takeover and preemption announcements of the peer are not address conflicts (lb2 stepped down on lb1's advert).
        Thread.Sleep(300);
        Assert.Equal(0, lb2.Metric("hadirector_vrrp_address_conflicts_total{instance=\"web\"}"));
        Assert.Equal(0, lb1.Metric("hadirector_vrrp_address_conflicts_total{instance=\"web\"}"));
    }

    [Fact]
    public void Failover_WithNoPeer_FailsAndTheNodeStaysMaster()
    {
        var lb1 = Start(Lb1, 150);
        Wait.Until(() => Lb1.HasAddress(Vip) && File.Exists(lb1.SocketPath), Bound, "lb1 master alone", Diagnostics);

        var answer = lb1.Cli("failover");

        Assert.True(answer.ExitCode == 1, answer.ToString());
        Assert.Contains("no new master was heard", answer.Stderr);
        Assert.Equal(2, lb1.Metric("hadirector_vrrp_state{instance=\"web\"}"));
        Assert.True(Lb1.HasAddress(Vip));
        Assert.Equal("master", JsonNode.Parse(lb1.Cli("status", "--json").Stdout)!["instances"]![0]!["state"]!.GetValue<string>());
    }

    [Fact]
    public void PeerOnAnotherVrid_WithOurVip_LoggedAndWarnedInStatus()
    {
        var lb1 = Start(Lb1, 150, vrid: 51);
        var lb2 = Start(Lb2, 100, vrid: 52);
        // Both are master of the VIP: the split brain the operator must be told about.
        Wait.Until(() => Lb1.HasAddress(Vip) && Lb2.HasAddress(Vip) && File.Exists(lb1.SocketPath), Bound, "both masters", Diagnostics);

        Wait.Until(() => lb1.Process.OutputContains($"VIP {Vip} of web is also claimed by {Lb2.Address} (VRID 52, VRRPv3"), Bound,
            "lb1 to log the claim", Diagnostics);
        var status = lb1.Cli("status");
        Assert.Contains($"WARNING web: VIP {Vip} is also claimed by {Lb2.Address} (VRID 52, VRRPv3, dropped: UnknownVrid)", status.Stdout);
        Assert.True(lb2.Metric("hadirector_vrrp_vip_claims_total{interface=\"eth0\",family=\"ipv4\"}") > 0);
    }

    [Fact]
    public void AnotherHostAnnouncingOurVip_WhileMaster_LoggedCountedAndWarnedInStatus()
    {
        var lb1 = Start(Lb1, 150);
        Wait.Until(() => Lb1.HasAddress(Vip) && File.Exists(lb1.SocketPath), Bound, "lb1 master alone", Diagnostics);
        Assert.Equal(0, lb1.Metric("hadirector_vrrp_address_conflicts_total{instance=\"web\"}"));
        Thread.Sleep(TimeSpan.FromSeconds(1.2)); // past the handover grace (VrrpChannel.HandoverGrace, 1 s): a conflict from now on

        // lb2 runs no daemon here: a host that does not speak VRRP with us sends a gratuitous ARP for our VIP (what
        // `arping -U -c 1 -s VIP VIP` sends), from its own MAC, through a raw packet socket.
        const string Script = "import socket,sys\n"
            + "s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW)\ns.bind(('eth0',0))\n"
            + "mac=bytes.fromhex(sys.argv[1].replace(':',''))\nip=socket.inet_aton(sys.argv[2])\n"
            + "s.send(b'\\xff'*6+mac+b'\\x08\\x06'+bytes.fromhex('0001080006040001')+mac+ip+b'\\x00'*6+ip)\n";
        Shell.Check("ip", ["netns", "exec", Lb2.Namespace, "python3", "-c", Script, Lb2.Mac, Vip.ToString()]);

        Wait.Until(() => lb1.Process.OutputContains($"VIP {Vip} of web is claimed by another host, MAC {Lb2.Mac} (ARP request), while this node is master"),
            Bound, "lb1 to log the conflict", Diagnostics);
        Assert.Equal(1, lb1.Metric("hadirector_vrrp_address_conflicts_total{instance=\"web\"}"));
        var status = lb1.Cli("status");
        Assert.Contains($"WARNING web: VIP {Vip} is also claimed by another host, MAC {Lb2.Mac} (ARP), while this node is master", status.Stdout);
        Assert.True(Lb1.HasAddress(Vip)); // logged and shown: no step-down
    }
}
