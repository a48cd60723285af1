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

    private readonly Ipv6Lan _lan = new(globalAddresses: false, "lb1", "lb2");
    private readonly List<IDisposable> _processes = [];

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }
        _lan.Dispose();
    }

    private ManagedProcess StartOurs(LanHost host, int priority, TimeSpan interval)
    {
        var d = new DirectorProcess(host, DirectorProcess.VrrpConfig(51, priority, 3, interval, Vip.ToString()));
        _processes.Add(d);
        return d.Process;
    }

    private ManagedProcess StartKeepalived(LanHost host, int priority, TimeSpan interval)
    {
        var k = new KeepalivedPeer(host, 51, priority, 3, interval, Vip);
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
        + $"{Environment.NewLine}lb1: {string.Join(", ", Ipv6Lan.Addresses(_lan["lb1"]))}; lb2: {string.Join(", ", Ipv6Lan.Addresses(_lan["lb2"]))}";

    private void WaitSoleMaster(LanHost master, LanHost other) =>
        Wait.Until(() => Ipv6Lan.HasAddress(master, Vip) && !Ipv6Lan.HasAddress(other, Vip), Bound, $"{master.Name} to hold {Vip} alone", Diagnostics);

    [Theory]
    [InlineData(1000)]
    [InlineData(100)]
    public void OursMaster_KeepalivedBackup_OneMasterAndTakeoversBothWays(int intervalMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var ours = StartOurs(lb1, 150, interval);
        WaitSoleMaster(lb1, lb2);
        var keepalived = StartKeepalived(lb2, 100, interval);
        Wait.Until(() => keepalived.OutputContains("Entering BACKUP STATE"), Bound, "keepalived to enter BACKUP", Diagnostics);
        Wait.Holds(() => Ipv6Lan.HasAddress(lb1, Vip) && !Ipv6Lan.HasAddress(lb2, Vip), 4 * interval + TimeSpan.FromSeconds(1), "one master", Diagnostics);
        _lan.RouterReaches(Vip);

        // Ours resigns (SIGTERM, priority 0) -> keepalived takes over.
        ours.Terminate();
        WaitSoleMaster(lb2, lb1);
        Wait.Until(() => _lan.RouterNeighbour(Vip).Mac == lb2.Mac, Bound, "the router's entry = keepalived's node", Diagnostics);

        // Ours comes back with the higher priority -> it preempts keepalived, and its NA moves the router back.
        StartOurs(lb1, 150, interval);
        WaitSoleMaster(lb1, lb2);
        Wait.Until(() => _lan.RouterNeighbour(Vip) == (lb1.Mac, true), Bound, "the router's entry = lb1, flagged router", Diagnostics);
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
        WaitSoleMaster(lb1, lb2);
        var ours = StartOurs(lb2, 100, interval);
        Wait.Until(() => ours.OutputContains("Initialize -> Backup"), Bound, "ours to enter Backup", Diagnostics);
        Wait.Holds(() => Ipv6Lan.HasAddress(lb1, Vip) && !Ipv6Lan.HasAddress(lb2, Vip), 4 * interval + TimeSpan.FromSeconds(1), "one master", Diagnostics);
        Assert.DoesNotContain(ours.Lines, l => l.Contains("-> Master", StringComparison.Ordinal));
        _lan.RouterReaches(Vip);

        // keepalived resigns on SIGTERM (priority 0) -> ours takes over after Skew_Time and sends its NAs.
        keepalived.Terminate();
        WaitSoleMaster(lb2, lb1);
        Wait.Until(() => ours.OutputContains("Backup -> Master (PriorityZeroReceived)"), Bound, "the log to say 'Backup -> Master (PriorityZeroReceived)'", Diagnostics);
        Wait.Until(() => _lan.RouterNeighbour(Vip) == (lb2.Mac, true), Bound, "the router's entry = lb2, flagged router", Diagnostics);

        // keepalived returns with the higher priority -> ours steps down for it.
        StartKeepalived(lb1, 150, interval);
        WaitSoleMaster(lb1, lb2);
        Wait.Until(() => ours.OutputContains("Master -> Backup (HigherPriorityAdvert)"), Bound, "the log to say 'Master -> Backup (HigherPriorityAdvert)'", Diagnostics);
    }
}
