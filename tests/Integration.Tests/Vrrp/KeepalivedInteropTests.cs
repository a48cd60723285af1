using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// HaDirector paired with Debian's keepalived 2.2.7 (VRRP only), in both roles, VRRPv2 at 1 s and VRRPv3 at
/// 100 ms: one master at a time, and takeovers both ways.
/// </summary>
public sealed class KeepalivedInteropTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly InteropLan _lan = new(Vip);

    public void Dispose() => _lan.Dispose();

    private ManagedProcess StartOurs(LanHost host, int priority, int version, TimeSpan interval) =>
        _lan.StartOurs(host, DirectorProcess.VrrpConfig(51, priority, version, interval, Vip.ToString())).Process;

    private ManagedProcess StartKeepalived(LanHost host, int priority, int version, TimeSpan interval) =>
        _lan.Add(new KeepalivedPeer(host, 51, priority, version, interval, Vip)).Process;

    [Theory]
    [InlineData(2, 1000)]
    [InlineData(3, 100)]
    public void OursMaster_KeepalivedBackup_OneMasterAndTakeoversBothWays(int version, int intervalMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var ours = StartOurs(lb1, 150, version, interval);
        _lan.WaitSoleMaster(lb1);
        var keepalived = StartKeepalived(lb2, 100, version, interval);
        _lan.WaitOutput(keepalived, "Entering BACKUP STATE");
        // Several Master_Down_Intervals with both running: keepalived accepts our adverts and stays backup.
        _lan.HoldsSoleMaster(lb1, 4 * interval + TimeSpan.FromSeconds(1));

        // Ours resigns (SIGTERM, priority 0) -> keepalived takes over.
        ours.Terminate();
        _lan.WaitSoleMaster(lb2);

        // Ours comes back with the higher priority -> it preempts keepalived.
        StartOurs(lb1, 150, version, interval);
        _lan.WaitSoleMaster(lb1);
        Assert.Equal(lb1.Mac, WaitRouterMac(lb1.Mac));
    }

    [Theory]
    [InlineData(2, 1000)]
    [InlineData(3, 100)]
    public void KeepalivedMaster_OursBackup_OneMasterAndTakeoversBothWays(int version, int intervalMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var keepalived = StartKeepalived(lb1, 150, version, interval);
        _lan.WaitSoleMaster(lb1);
        var ours = StartOurs(lb2, 100, version, interval);
        _lan.WaitOutput(ours, "Initialize -> Backup");
        _lan.HoldsSoleMaster(lb1, 4 * interval + TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(ours.Lines, l => l.Contains("-> Master", StringComparison.Ordinal));

        // keepalived resigns on SIGTERM (priority 0) -> ours takes over after Skew_Time and GARPs.
        keepalived.Terminate();
        _lan.WaitSoleMaster(lb2);
        _lan.WaitOutput(ours, "Backup -> Master (PriorityZeroReceived)");
        Assert.Equal(lb2.Mac, WaitRouterMac(lb2.Mac));

        // keepalived returns with the higher priority -> ours steps down for it.
        StartKeepalived(lb1, 150, version, interval);
        _lan.WaitSoleMaster(lb1);
        _lan.WaitOutput(ours, "Master -> Backup (HigherPriorityAdvert)");
    }

    private string? WaitRouterMac(string mac)
    {
        Wait.Until(() => _lan.Lan.RouterNeighbourMac(Vip) == mac, Bound, $"router entry for {Vip} = {mac}", _lan.Diagnostics);
        return _lan.Lan.RouterNeighbourMac(Vip);
    }
}
