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

    private ManagedProcess StartOurs(LanHost host, int priority, int version, TimeSpan interval)
    {
        var d = new DirectorProcess(host, DirectorProcess.VrrpConfig(51, priority, version, interval, Vip.ToString()));
        _processes.Add(d);
        return d.Process;
    }

    private ManagedProcess StartKeepalived(LanHost host, int priority, int version, TimeSpan interval)
    {
        var k = new KeepalivedPeer(host, 51, priority, version, interval, Vip);
        _processes.Add(k);
        return k.Process;
    }

    private string Diagnostics() =>
        string.Join(Environment.NewLine, _processes.Select(p => p switch
        {
            DirectorProcess d => d.Process.Output,
            KeepalivedPeer k => k.Process.Output,
            _ => "",
        }))
        + $"{Environment.NewLine}lb1: {string.Join(", ", _lan["lb1"].Addresses())}; lb2: {string.Join(", ", _lan["lb2"].Addresses())}";

    private void WaitSoleMaster(LanHost master, LanHost other) =>
        Wait.Until(() => master.HasAddress(Vip) && !other.HasAddress(Vip), Bound, $"{master.Name} to hold {Vip} alone", Diagnostics);

    [Theory]
    [InlineData(2, 1000)]
    [InlineData(3, 100)]
    public void OursMaster_KeepalivedBackup_OneMasterAndTakeoversBothWays(int version, int intervalMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var ours = StartOurs(lb1, 150, version, interval);
        WaitSoleMaster(lb1, lb2);
        StartKeepalived(lb2, 100, version, interval);
        Wait.Until(() => _processes.OfType<KeepalivedPeer>().Single().Process.OutputContains("Entering BACKUP STATE"), Bound,
            "keepalived to enter BACKUP", Diagnostics);
        // Several Master_Down_Intervals with both running: keepalived accepts our adverts and stays backup.
        Wait.Holds(() => lb1.HasAddress(Vip) && !lb2.HasAddress(Vip), 4 * interval + TimeSpan.FromSeconds(1), "one master", Diagnostics);

        // Ours resigns (SIGTERM, priority 0) -> keepalived takes over.
        ours.Terminate();
        WaitSoleMaster(lb2, lb1);

        // Ours comes back with the higher priority -> it preempts keepalived.
        StartOurs(lb1, 150, version, interval);
        WaitSoleMaster(lb1, lb2);
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
        WaitSoleMaster(lb1, lb2);
        var ours = StartOurs(lb2, 100, version, interval);
        Wait.Until(() => ours.OutputContains("Initialize -> Backup"), Bound, "ours to enter Backup", Diagnostics);
        Wait.Holds(() => lb1.HasAddress(Vip) && !lb2.HasAddress(Vip), 4 * interval + TimeSpan.FromSeconds(1), "one master", Diagnostics);
        Assert.DoesNotContain(ours.Lines, l => l.Contains("-> Master", StringComparison.Ordinal));

        // keepalived resigns on SIGTERM (priority 0) -> ours takes over after Skew_Time and GARPs.
        keepalived.Terminate();
        WaitSoleMaster(lb2, lb1);
        Wait.Until(() => ours.OutputContains("Backup -> Master (PriorityZeroReceived)"), Bound, "the log to say 'Backup -> Master (PriorityZeroReceived)'", Diagnostics);
        Assert.Equal(lb2.Mac, WaitRouterMac(lb2.Mac));

        // keepalived returns with the higher priority -> ours steps down for it.
        StartKeepalived(lb1, 150, version, interval);
        WaitSoleMaster(lb1, lb2);
        Wait.Until(() => ours.OutputContains("Master -> Backup (HigherPriorityAdvert)"), Bound, "the log to say 'Master -> Backup (HigherPriorityAdvert)'", Diagnostics);
    }

    private string? WaitRouterMac(string mac)
    {
        Wait.Until(() => _lan.RouterNeighbourMac(Vip) == mac, Bound, $"router entry for {Vip} = {mac}", Diagnostics);
        return _lan.RouterNeighbourMac(Vip);
    }
}
