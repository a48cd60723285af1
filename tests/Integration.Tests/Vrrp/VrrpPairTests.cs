using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>Two hadirector daemons on one LAN (rtr + lb1 + lb2 in namespaces), VRRPv3 at 100 ms.</summary>
public sealed class VrrpPairTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly LanTopology _lan = new("lb1", "lb2");
    private readonly List<IDisposable> _processes = [];

    private LanHost Lb1 => _lan["lb1"];

    private LanHost Lb2 => _lan["lb2"];

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }
        _lan.Dispose();
    }

    private DirectorProcess Start(LanHost host, int priority, bool preempt = true, LanHost? unicastPeer = null)
    {
        var d = new DirectorProcess(host,
            DirectorProcess.VrrpConfig(51, priority, 3, Interval, Vip.ToString(), preempt, unicastPeer?.Address.ToString()));
        _processes.Add(d);
        return d;
    }

    private string Diagnostics() =>
        string.Join(Environment.NewLine, _processes.OfType<DirectorProcess>().Select(p => p.Process.Output))
        + $"{Environment.NewLine}lb1: {string.Join(", ", Lb1.Addresses())}; lb2: {string.Join(", ", Lb2.Addresses())}";

    private void WaitMaster(LanHost master, LanHost backup) =>
        Wait.Until(() => master.HasAddress(Vip) && !backup.HasAddress(Vip), Bound,
            $"{master.Name} to hold {Vip} alone", Diagnostics);

    [Fact]
    public void Start_TwoDirectors_ExactlyOneMasterHoldsTheVipAndRouterLearnsItsMac()
    {
        Start(Lb1, 150);
        Start(Lb2, 100);

        WaitMaster(Lb1, Lb2);
        // The router never asked: it learnt the VIP from the new master's gratuitous ARP.
        Wait.Until(() => _lan.RouterNeighbourMac(Vip) == Lb1.Mac, Bound, "the router's neighbour entry to be lb1's MAC", Diagnostics);
        Wait.Holds(() => Lb1.HasAddress(Vip) && !Lb2.HasAddress(Vip), TimeSpan.FromSeconds(2), "one master", Diagnostics);
    }

    [Fact]
    public void Kill9_OfMaster_BackupTakesOverAndRouterMovesToItsMac()
    {
        var lb1 = Start(Lb1, 150);
        var lb2 = Start(Lb2, 100);
        WaitMaster(Lb1, Lb2);
        Wait.Until(() => _lan.RouterNeighbourMac(Vip) == Lb1.Mac, Bound, "router entry = lb1", Diagnostics);

        lb1.Process.Kill9();

        Wait.Until(() => Lb2.HasAddress(Vip), Bound, "lb2 to take over", Diagnostics);
        Wait.Until(() => _lan.RouterNeighbourMac(Vip) == Lb2.Mac, Bound, "router entry = lb2 (GARP)", Diagnostics);
        Wait.Until(() => lb2.Process.OutputContains("Backup -> Master (MasterDownTimerExpired)"), Bound, "the log to say 'Backup -> Master (MasterDownTimerExpired)'", Diagnostics);
    }

    [Fact]
    public void Sigterm_OfMaster_ResignsWithPriorityZeroAndBackupTakesOverAtSkewTime()
    {
        var lb1 = Start(Lb1, 150);
        var lb2 = Start(Lb2, 100);
        WaitMaster(Lb1, Lb2);

        lb1.Process.Terminate();

        WaitMaster(Lb2, Lb1);
        Assert.True(lb1.Process.WaitForExit(Bound), "lb1 exits after SIGTERM");
        Assert.Equal(0, lb1.Process.ExitCode);
        // The priority-0 advert cut the wait to Skew_Time (RFC 5798 §6.4.2) instead of Master_Down_Interval.
        Wait.Until(() => lb2.Process.OutputContains("Backup -> Master (PriorityZeroReceived)"), Bound, "the log to say 'Backup -> Master (PriorityZeroReceived)'", Diagnostics);
        Assert.False(Lb1.HasAddress(Vip));
    }

    [Fact]
    public void Restart_OfHigherPriority_PreemptsBack()
    {
        var lb1 = Start(Lb1, 150);
        Start(Lb2, 100);
        WaitMaster(Lb1, Lb2);
        lb1.Process.Kill9();
        // A killed daemon leaves its VIP in place (it cannot clean up); the restart below removes it.
        Wait.Until(() => Lb2.HasAddress(Vip), Bound, "lb2 to take over", Diagnostics);

        Start(Lb1, 150);

        WaitMaster(Lb1, Lb2);
        Wait.Until(() => _lan.RouterNeighbourMac(Vip) == Lb1.Mac, Bound, "router entry back to lb1", Diagnostics);
    }

    [Fact]
    public void Restart_OfHigherPriorityWithPreemptOff_StaysBackup()
    {
        // Without preemption the first node up wins: start lb1 alone so it is the master to lose.
        var lb1 = Start(Lb1, 150, preempt: false);
        WaitMaster(Lb1, Lb2);
        var lb2 = Start(Lb2, 100, preempt: false);
        Wait.Until(() => lb2.Process.OutputContains("Initialize -> Backup"), Bound, "lb2 up as backup", Diagnostics);
        lb1.Process.Kill9();
        // A killed daemon leaves its VIP in place (it cannot clean up); the restart below removes it.
        Wait.Until(() => Lb2.HasAddress(Vip), Bound, "lb2 to take over", Diagnostics);

        var again = Start(Lb1, 150, preempt: false);
        Wait.Until(() => again.Process.OutputContains("Initialize -> Backup"), Bound, "lb1 back as backup", Diagnostics);

        // Several Master_Down_Intervals: a preempting node would have taken over long before.
        Wait.Until(() => !Lb1.HasAddress(Vip), Bound, "the restarted lb1 to remove its stale VIP", Diagnostics);
        Wait.Holds(() => Lb2.HasAddress(Vip) && !Lb1.HasAddress(Vip), TimeSpan.FromSeconds(2), "lb2 stays master", Diagnostics);
    }

    [Fact]
    public void UnicastPeers_PairElectsAndFailsOverWithoutMulticast()
    {
        var lb1 = Start(Lb1, 150, unicastPeer: Lb2);
        var lb2 = Start(Lb2, 100, unicastPeer: Lb1);
        WaitMaster(Lb1, Lb2);
        // The backup hears the master only through unicast: with no adverts it would have taken over.
        Wait.Holds(() => Lb1.HasAddress(Vip) && !Lb2.HasAddress(Vip), TimeSpan.FromSeconds(1), "one master", Diagnostics);
        Assert.True(lb2.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}") > 0, Diagnostics());

        lb1.Process.Terminate();

        WaitMaster(Lb2, Lb1);
        Wait.Until(() => lb2.Process.OutputContains("Backup -> Master (PriorityZeroReceived)"), Bound, "the log to say 'Backup -> Master (PriorityZeroReceived)'", Diagnostics);
    }

    [Fact]
    public void Start_WithStaleVipLeftByACrash_RemovesItBeforeBackup()
    {
        Start(Lb1, 150);
        WaitMaster(Lb1, Lb2);
        // What kill -9 of a master leaves behind.
        LanTopology.Ip(Lb2.Namespace, "addr", "add", Vip + "/32", "dev", "eth0");

        var lb2 = Start(Lb2, 100);

        Wait.Until(() => !Lb2.HasAddress(Vip), Bound, "lb2 to remove its stale VIP", Diagnostics);
        Wait.Until(() => lb2.Process.OutputContains("left on eth0 by an earlier run"), Bound, "the removal to be logged", Diagnostics);
        Wait.Holds(() => Lb1.HasAddress(Vip) && !Lb2.HasAddress(Vip), TimeSpan.FromSeconds(1), "one master", Diagnostics);
    }
}
