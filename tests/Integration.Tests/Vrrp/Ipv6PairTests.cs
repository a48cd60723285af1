using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// Two hadirector daemons over IPv6 (RFC 5798 §5.1.2), VRRPv3 at 100 ms, on a LAN with 2001:2::/64 and on one with
/// link-local addresses only: one master, takeover on kill -9 and SIGTERM, and the router's `ip -6 neigh` entry for the
/// VIP moved by the new master's unsolicited neighbour advert (Override and Router set).
/// </summary>
public sealed class Ipv6PairTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("2001:2::100");
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly List<DirectorProcess> _processes = [];
    private Ipv6Lan? _lan;

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }
        _lan?.Dispose();
    }

    private Ipv6Lan Lan(bool globalAddresses) => _lan = new Ipv6Lan(globalAddresses, "lb1", "lb2");

    private DirectorProcess Start(LanHost host, int priority, string? unicastPeer = null)
    {
        var d = new DirectorProcess(host, DirectorProcess.VrrpConfig(51, priority, 3, Interval, Vip.ToString(), unicastPeer: unicastPeer));
        _processes.Add(d);
        return d;
    }

    private string Diagnostics() =>
        string.Join(Environment.NewLine, _processes.Select(p => p.Process.Output))
        + $"{Environment.NewLine}lb1: {string.Join(", ", Ipv6Lan.Addresses(_lan!["lb1"]))}; lb2: {string.Join(", ", Ipv6Lan.Addresses(_lan!["lb2"]))}"
        + $"{Environment.NewLine}router: {_lan.RouterNeighbour(Vip)}";

    private void WaitMaster(LanHost master, LanHost backup) =>
        Wait.Until(() => Ipv6Lan.HasAddress(master, Vip) && !Ipv6Lan.HasAddress(backup, Vip), Bound, $"{master.Name} to hold {Vip} alone", Diagnostics);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Kill9_OfMaster_BackupTakesOverAndTheRouterFollowsTheNeighbourAdvert(bool globalAddresses)
    {
        var lan = Lan(globalAddresses);
        var lb1 = Start(lan["lb1"], 150);
        var lb2 = Start(lan["lb2"], 100);
        WaitMaster(lan["lb1"], lan["lb2"]);
        Wait.Holds(() => Ipv6Lan.HasAddress(lan["lb1"], Vip) && !Ipv6Lan.HasAddress(lan["lb2"], Vip), TimeSpan.FromSeconds(1), "one master", Diagnostics);
        Assert.True(lb2.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}") > 0, Diagnostics());
        lan.RouterReaches(Vip);
        Assert.Equal(lan["lb1"].Mac, lan.RouterNeighbour(Vip).Mac);

        lb1.Process.Kill9();

        Wait.Until(() => Ipv6Lan.HasAddress(lan["lb2"], Vip), Bound, "lb2 to take over", Diagnostics);
        // Linux updates an existing entry from an unsolicited advert with Override set; Router marks it a router.
        Wait.Until(() => lan.RouterNeighbour(Vip) == (lan["lb2"].Mac, true), Bound, "the router's entry = lb2, flagged router (the NA)", Diagnostics);
        Assert.True(lb2.Process.OutputContains("Backup -> Master (MasterDownTimerExpired)"), Diagnostics());
    }

    [Fact]
    public void Sigterm_OfMaster_ResignsWithPriorityZeroAndRemovesItsVip()
    {
        var lan = Lan(globalAddresses: false);
        var lb1 = Start(lan["lb1"], 150);
        var lb2 = Start(lan["lb2"], 100);
        WaitMaster(lan["lb1"], lan["lb2"]);

        lb1.Process.Terminate();

        WaitMaster(lan["lb2"], lan["lb1"]);
        Wait.Until(() => lb2.Process.OutputContains("Backup -> Master (PriorityZeroReceived)"), Bound,
            "the log to say 'Backup -> Master (PriorityZeroReceived)'", Diagnostics);
    }

    [Fact]
    public void UnicastLinkLocalPeers_PairElectsAndFailsOverWithoutMulticast()
    {
        var lan = Lan(globalAddresses: false);
        var lb1 = Start(lan["lb1"], 150, unicastPeer: LinkLocal(lan["lb2"]));
        var lb2 = Start(lan["lb2"], 100, unicastPeer: LinkLocal(lan["lb1"]));
        WaitMaster(lan["lb1"], lan["lb2"]);
        Wait.Holds(() => Ipv6Lan.HasAddress(lan["lb1"], Vip) && !Ipv6Lan.HasAddress(lan["lb2"], Vip), TimeSpan.FromSeconds(1), "one master", Diagnostics);
        Assert.True(lb2.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}") > 0, Diagnostics());

        lb1.Process.Terminate();

        WaitMaster(lan["lb2"], lan["lb1"]);
    }

    private static string LinkLocal(LanHost host) =>
        Ipv6Lan.Addresses(host).Single(a => a.StartsWith("fe80:", StringComparison.Ordinal)).Split('/')[0];
}
