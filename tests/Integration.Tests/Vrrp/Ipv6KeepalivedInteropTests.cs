using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// HaDirector and Debian's keepalived 2.2.7 over IPv6 (an IPv6 virtual_ipaddress makes keepalived's instance IPv6,
/// as native_ipv6 does), VRRPv3 at 1 s and at 100 ms, in both roles, on link-local addresses only: one master at a
/// time, takeovers both ways, and the router's neighbour entry on the master.
/// </summary>
public sealed class Ipv6KeepalivedInteropTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("2001:2::100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly Ipv6Lan _ipv6;
    private readonly InteropLan _lan;

    public Ipv6KeepalivedInteropTests()
    {
        _ipv6 = new Ipv6Lan(globalAddresses: false, "lb1", "lb2");
        _lan = new InteropLan(_ipv6.Lan, Vip);
    }

    public void Dispose() => _lan.Dispose();

    private ManagedProcess StartOurs(LanHost host, int priority, TimeSpan interval) =>
        _lan.StartOurs(host, DirectorProcess.VrrpConfig(51, priority, 3, interval, Vip.ToString())).Process;

    private ManagedProcess StartKeepalived(LanHost host, int priority, TimeSpan interval) =>
        _lan.Add(new KeepalivedPeer(host, 51, priority, 3, interval, Vip)).Process;

    [Theory]
    [InlineData(1000)]
    [InlineData(100)]
    public void OursMaster_KeepalivedBackup_OneMasterAndTakeoversBothWays(int intervalMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var ours = StartOurs(lb1, 150, interval);
        _lan.WaitSoleMaster(lb1);
        var keepalived = StartKeepalived(lb2, 100, interval);
        _lan.WaitOutput(keepalived, "Entering BACKUP STATE");
        _lan.HoldsSoleMaster(lb1, 4 * interval + TimeSpan.FromSeconds(1));
        _ipv6.RouterReaches(Vip);

        // Ours resigns (SIGTERM, priority 0) -> keepalived takes over.
        ours.Terminate();
        _lan.WaitSoleMaster(lb2);
        Wait.Until(() => _ipv6.RouterNeighbour(Vip).Mac == lb2.Mac, Bound, "the router's entry = keepalived's node", _lan.Diagnostics);

        // Ours comes back with the higher priority -> it preempts keepalived, and its NA moves the router back.
        StartOurs(lb1, 150, interval);
        _lan.WaitSoleMaster(lb1);
        Wait.Until(() => _ipv6.RouterNeighbour(Vip) == (lb1.Mac, true), Bound, "the router's entry = lb1, flagged router", _lan.Diagnostics);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(100)]
    public void KeepalivedMaster_OursBackup_OneMasterAndTakeoversBothWays(int intervalMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var keepalived = StartKeepalived(lb1, 150, interval);
        _lan.WaitSoleMaster(lb1);
        var ours = StartOurs(lb2, 100, interval);
        _lan.WaitOutput(ours, "Initialize -> Backup");
        _lan.HoldsSoleMaster(lb1, 4 * interval + TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(ours.Lines, l => l.Contains("-> Master", StringComparison.Ordinal));
        _ipv6.RouterReaches(Vip);

        // keepalived resigns on SIGTERM (priority 0) -> ours takes over after Skew_Time and sends its NAs.
        keepalived.Terminate();
        _lan.WaitSoleMaster(lb2);
        _lan.WaitOutput(ours, "Backup -> Master (PriorityZeroReceived)");
        Wait.Until(() => _ipv6.RouterNeighbour(Vip) == (lb2.Mac, true), Bound, "the router's entry = lb2, flagged router", _lan.Diagnostics);

        // keepalived returns with the higher priority -> ours steps down for it.
        StartKeepalived(lb1, 150, interval);
        _lan.WaitSoleMaster(lb1);
        _lan.WaitOutput(ours, "Master -> Backup (HigherPriorityAdvert)");
    }
}
