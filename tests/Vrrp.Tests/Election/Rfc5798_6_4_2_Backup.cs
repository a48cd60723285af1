using HaDirector.Vrrp.Election;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>RFC 5798 §6.4.2 (and RFC 3768 §6.4.2 for v2): the Backup state.</summary>
public sealed class Rfc5798_6_4_2_Backup
{
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    [Fact]
    public void MasterDownTimer_V3OneTickBefore_StillBackup()
    {
        var h = new ElectionHarness(V3(priority: 100));
        h.Start();

        Assert.Empty(h.Tick(Us(360_937) - OneTick));
        Assert.Equal(VrrpState.Backup, h.Machine.State);
    }

    [Fact]
    public void MasterDownTimer_V3AtMasterDownInterval_MasterWithAddressesAdvertGarp()
    {
        var h = new ElectionHarness(V3(priority: 100));
        h.Start();
        h.Tick(Us(360_937) - OneTick);

        var actions = h.Tick(OneTick);

        Assert.Equal(h.EnterMasterActions(VrrpState.Backup, VrrpTransitionCause.MasterDownTimerExpired), actions);
        Assert.Equal(TimeSpan.FromMilliseconds(100), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void MasterDownTimer_V2Priority100_FiresAt3609375Microseconds()
    {
        var h = new ElectionHarness(V2(priority: 100));
        h.Start();

        Assert.Empty(h.Tick(Us(3_609_375) - OneTick));
        Assert.Equal(VrrpState.Master, h.Tick(OneTick).OfType<VrrpAction.StateChanged>().Single().To);
    }

    [Fact]
    public void Advert_HigherPriority_RestartsMasterDownTimer()
    {
        var h = new ElectionHarness(V3(priority: 100));
        h.Start();
        h.Time.Advance(TimeSpan.FromMilliseconds(300));

        Assert.Empty(h.Advert(150));
        Assert.Empty(h.Tick(Us(360_937) - OneTick));
        Assert.Equal(VrrpState.Master, h.Tick(OneTick).OfType<VrrpAction.StateChanged>().Single().To);
        Assert.Equal(ElectionHarness.Local, h.Machine.MasterAddress);
    }

    [Fact]
    public void Advert_V3MasterAdvertisesOneSecond_AdoptsIntervalForMasterDownInterval()
    {
        var h = new ElectionHarness(V3(priority: 100, intervalMs: 100));
        h.Start();

        h.Advert(150, intervalMs: 1000);

        Assert.Equal(TimeSpan.FromSeconds(1), h.Machine.MasterAdvertInterval);
        // 3 × 1 s + (156 × 100 cs × 625 / 16) µs
        Assert.Equal(Us(3_609_375), h.Machine.GetTimeUntilNextDeadline());
        Assert.Equal(ElectionHarness.Peer, h.Machine.MasterAddress);
        Assert.Equal(150, h.Machine.MasterPriority);
    }

    [Fact]
    public void Advert_V3AdoptedInterval_OwnIntervalUsedAgainWhenWeBecomeMaster()
    {
        var h = new ElectionHarness(V3(priority: 100, intervalMs: 100));
        h.Start();
        h.Advert(150, intervalMs: 1000);
        h.Tick(Us(3_609_375));

        Assert.Equal(VrrpState.Master, h.Machine.State);
        Assert.Equal(TimeSpan.FromMilliseconds(100), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Advert_V2OtherInterval_MasterDownIntervalKeepsOwnInterval()
    {
        // RFC 3768 has no Master_Adver_Interval; the validator drops mismatches anyway.
        var h = new ElectionHarness(V2(priority: 100));
        h.Start();

        h.Advert(150, intervalMs: 5000);

        Assert.Equal(Us(3_609_375), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Advert_PriorityZero_MasterDownTimerSetToSkewTime()
    {
        var h = new ElectionHarness(V3(priority: 100));
        h.Start();
        h.Advert(150);
        h.Time.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Empty(h.Advert(0));
        Assert.Equal(Us(60_937), h.Machine.GetTimeUntilNextDeadline());
        Assert.Empty(h.Tick(Us(60_937) - OneTick));
        Assert.Equal(
            h.EnterMasterActions(VrrpState.Backup, VrrpTransitionCause.PriorityZeroReceived),
            h.Tick(OneTick));
    }

    [Fact]
    public void Advert_PriorityZeroWithOtherInterval_IntervalNotAdopted()
    {
        var h = new ElectionHarness(V3(priority: 100));
        h.Start();

        h.Advert(0, intervalMs: 1000);

        Assert.Equal(TimeSpan.FromMilliseconds(100), h.Machine.MasterAdvertInterval);
        Assert.Equal(Us(60_937), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Advert_EqualPriority_AcceptedAndRestartsTimer()
    {
        var h = new ElectionHarness(V3(priority: 100));
        h.Start();
        h.Time.Advance(TimeSpan.FromMilliseconds(300));

        h.Advert(100, from: ElectionHarness.LowerPeer);

        Assert.Equal(Us(360_937), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Advert_LowerPriorityWithPreempt_TakesOverAtSkewTime()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.Start();
        h.Time.Advance(TimeSpan.FromMilliseconds(100));

        // A master whose tracker dropped it to 100: Skew_Time at priority 150 is 41.406 ms, not the 341.406 ms of
        // Master_Down_Interval (our deviation from RFC 5798 §6.4.2 and keepalived, docs/architecture.md).
        Assert.Empty(h.Advert(100));
        Assert.Empty(h.Tick(Us(41_406) - OneTick));
        Assert.Equal(h.EnterMasterActions(VrrpState.Backup, VrrpTransitionCause.Preempted), h.Tick(OneTick));
    }

    [Fact]
    public void Advert_LowerPriorityRepeated_NeverPushesTheTakeoverLater()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.Start();
        h.Time.Advance(TimeSpan.FromMilliseconds(100));
        h.Advert(100);
        h.Time.Advance(TimeSpan.FromMilliseconds(30));

        Assert.Empty(h.Advert(100));

        Assert.Equal(Us(11_406), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Advert_LowerPriorityWhenMasterDownIsSooner_KeepsTheSoonerTimer()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.Start();
        h.Time.Advance(Us(330_000));

        h.Advert(100);

        // Master_Down_Timer from Startup has 11.406 ms left, less than Skew_Time.
        Assert.Equal(Us(11_406), h.Machine.GetTimeUntilNextDeadline());
        Assert.Equal(h.EnterMasterActions(VrrpState.Backup, VrrpTransitionCause.Preempted), h.Tick(Us(11_406)));
    }

    [Fact]
    public void Advert_LowerPriorityWithoutPreempt_KeepsRestartingTimerAndNeverTakesOver()
    {
        var h = new ElectionHarness(V3(priority: 150) with { Preempt = false });
        h.Start();
        for (int i = 0; i < 100; i++)
        {
            Assert.Empty(h.Tick(TimeSpan.FromMilliseconds(100)));
            Assert.Empty(h.Advert(100));
        }

        Assert.Equal(VrrpState.Backup, h.Machine.State);
        Assert.Equal(100, h.Machine.MasterPriority);
        Assert.Equal(Us(341_406), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Advert_LowerPriorityWithoutPreempt_TakesOverWhenTheMasterFallsSilent()
    {
        var h = new ElectionHarness(V3(priority: 150) with { Preempt = false });
        h.Start();
        h.Time.Advance(TimeSpan.FromMilliseconds(100));
        h.Advert(100);

        Assert.Empty(h.Tick(Us(341_406) - OneTick));
        Assert.Equal(h.EnterMasterActions(VrrpState.Backup, VrrpTransitionCause.MasterDownTimerExpired), h.Tick(OneTick));
    }

    [Fact]
    public void Advert_LowerPriorityWithPreemptDelay_PreemptsOnlyAfterTheDelay()
    {
        var h = new ElectionHarness(V3(priority: 150) with { PreemptDelay = TimeSpan.FromSeconds(1) });
        h.Start();

        // Lower-priority adverts every 100 ms from t = 100 ms: accepted until t = 1100 ms (first lower advert + 1 s).
        for (int t = 100; t <= 1000; t += 100)
        {
            Assert.Empty(h.Tick(TimeSpan.FromMilliseconds(100)));
            Assert.Empty(h.Advert(100));
        }

        Assert.Equal(Us(341_406), h.Machine.GetTimeUntilNextDeadline());

        // The first advert after the delay: takeover at Skew_Time.
        h.Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Empty(h.Advert(100));
        Assert.Empty(h.Tick(Us(41_406) - OneTick));
        Assert.Equal(h.EnterMasterActions(VrrpState.Backup, VrrpTransitionCause.Preempted), h.Tick(OneTick));
    }

    [Fact]
    public void Advert_HigherPriorityDuringPreemptDelay_RestartsTheDelay()
    {
        var h = new ElectionHarness(V3(priority: 150) with { PreemptDelay = TimeSpan.FromSeconds(1) });
        h.Start();
        h.Time.Advance(TimeSpan.FromMilliseconds(100));
        h.Advert(100);                                   // delay runs until 1100 ms
        h.Time.Advance(TimeSpan.FromMilliseconds(800));
        h.Advert(200, from: ElectionHarness.Peer);       // 900 ms: delay cancelled
        for (int i = 0; i < 9; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(100));
            h.Advert(100);                               // 1000 ms: delay restarts until 2000 ms
        }

        Assert.Equal(VrrpState.Backup, h.Machine.State);
        Assert.Equal(Us(341_406), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Shutdown_Backup_InitializeWithoutAdvertAndNoTimer()
    {
        var h = new ElectionHarness(V3());
        h.Start();

        var actions = h.Step(new VrrpInput.Shutdown());

        Assert.Equal<VrrpAction>([new VrrpAction.StateChanged(VrrpState.Backup, VrrpState.Initialize, VrrpTransitionCause.Shutdown)], actions);
        Assert.Null(h.Machine.NextDeadline);
        Assert.Empty(h.Tick(TimeSpan.FromHours(1)));
    }
}
