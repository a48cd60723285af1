using System.Net;
using HaDirector.Vrrp.Election;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>RFC 5798 §6.4.3: the Master state.</summary>
public sealed class Rfc5798_6_4_3_Master
{
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    private static IReadOnlyList<VrrpAction> LeaveMasterActions(VrrpTransitionCause cause) =>
    [
        new VrrpAction.StateChanged(VrrpState.Master, VrrpState.Backup, cause),
        new VrrpAction.StopGratuitousArp(),
        new VrrpAction.RemoveVirtualAddresses([Vip]),
    ];

    [Fact]
    public void AdverTimer_OneTickBeforeInterval_NoAdvert()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        Assert.Empty(h.Tick(TimeSpan.FromMilliseconds(100) - OneTick));
    }

    [Fact]
    public void AdverTimer_EveryInterval_SendsAdvertWithOurPriority()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        for (int i = 0; i < 5; i++)
        {
            Assert.Equal<VrrpAction>([new VrrpAction.SendAdvert(150)], h.Tick(TimeSpan.FromMilliseconds(100)));
        }
    }

    [Fact]
    public void AdverTimer_HandledLate_NextAdvertOneIntervalAfterTheLastWasDue()
    {
        // The host's timer stays periodic only if the deadlines keep to one grid: a timer thread that ran 3 ms late
        // does not push every later advert 3 ms back.
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();
        var due = h.Machine.NextDeadline!.Value;

        Assert.Equal<VrrpAction>([new VrrpAction.SendAdvert(150)], h.Tick(TimeSpan.FromMilliseconds(103)));

        Assert.Equal(due + TimeSpan.FromMilliseconds(100).Ticks, h.Machine.NextDeadline);
        Assert.Equal(TimeSpan.FromMilliseconds(97), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void AdverTimer_HandledAWholeIntervalLate_OneAdvertThenOneIntervalFromNow()
    {
        // A stalled host sends one advert when it wakes, not a burst for the grid points it missed.
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        Assert.Equal<VrrpAction>([new VrrpAction.SendAdvert(150)], h.Tick(TimeSpan.FromMilliseconds(250)));

        Assert.Equal(TimeSpan.FromMilliseconds(100), h.Machine.GetTimeUntilNextDeadline());
        Assert.Empty(h.Step(new VrrpInput.TimerElapsed()));
    }

    [Fact]
    public void Advert_HigherPriority_BackupAndAddressesRemoved()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        var actions = h.Advert(200);

        Assert.Equal(LeaveMasterActions(VrrpTransitionCause.HigherPriorityAdvert), actions);
        Assert.Equal(VrrpState.Backup, h.Machine.State);
        Assert.False(h.Machine.HoldsAddresses);
    }

    [Fact]
    public void Advert_HigherPriorityV3_AdoptsItsIntervalForMasterDownTimer()
    {
        var h = new ElectionHarness(V3(priority: 100));
        h.StartAsMaster();

        h.Advert(200, intervalMs: 1000);

        Assert.Equal(Us(3_609_375), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Advert_EqualPriorityFromGreaterAddress_Backup()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        var actions = h.Advert(150, from: ElectionHarness.Peer);

        Assert.Equal(LeaveMasterActions(VrrpTransitionCause.EqualPriorityHigherAddress), actions);
    }

    [Fact]
    public void Advert_EqualPriorityFromSmallerAddress_StaysMasterAdvertisesAtOnceAndReannounces()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        var actions = h.Advert(150, from: ElectionHarness.LowerPeer);
        Assert.Equal(2, actions.Count);
        Assert.Equal(h.Machine.Options.VirtualAddresses, Assert.IsType<VrrpAction.StartGratuitousArp>(actions[0]).Addresses);
        Assert.Equal(new VrrpAction.SendAdvert(150), actions[1]);
        Assert.Equal(VrrpState.Master, h.Machine.State);
    }

    [Fact]
    public void Advert_EqualPriorityAddressComparison_IsUnsigned32Bit()
    {
        // 10.0.0.1 < 198.18.0.1 as unsigned numbers; a signed comparison would see 198.x as negative.
        var options = V3(priority: 150) with { PrimaryAddress = IPAddress.Parse("10.0.0.1") };
        var h = new ElectionHarness(options);
        h.StartAsMaster();

        var actions = h.Advert(150, from: IPAddress.Parse("198.18.0.1"));

        Assert.Equal(VrrpTransitionCause.EqualPriorityHigherAddress, actions.OfType<VrrpAction.StateChanged>().Single().Cause);
    }

    [Fact]
    public void Advert_OurOwnAddressAndPriority_Ignored()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        Assert.Empty(h.Advert(150, from: ElectionHarness.Local));
        Assert.Equal(VrrpState.Master, h.Machine.State);
    }

    [Fact]
    public void Advert_LowerPriority_StaysMasterAdvertisesAtOnceReannouncesItsAddressesAndRestartsAdverTimer()
    {
        // keepalived sends an advert at once so a peer that took over during a partition yields; the peer's
        // gratuitous ARPs may have moved the router, so the master announces its addresses again, first: the advert
        // makes the peer drop its copy.
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();
        h.Time.Advance(TimeSpan.FromMilliseconds(40));

        var actions = h.Advert(100);
        Assert.Equal(2, actions.Count);
        var garp = Assert.IsType<VrrpAction.StartGratuitousArp>(actions[0]);
        Assert.Equal(new VrrpAction.SendAdvert(150), actions[1]);
        Assert.Equal(h.Machine.Options.VirtualAddresses, garp.Addresses);
        Assert.Equal(TimeSpan.FromMilliseconds(100), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Advert_PriorityZero_SendsAdvertAtOnceAndRestartsAdverTimer()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();
        h.Time.Advance(TimeSpan.FromMilliseconds(70));

        Assert.Equal<VrrpAction>([new VrrpAction.SendAdvert(150)], h.Advert(0));
        Assert.Empty(h.Tick(TimeSpan.FromMilliseconds(100) - OneTick));
        Assert.Equal<VrrpAction>([new VrrpAction.SendAdvert(150)], h.Tick(OneTick));
        Assert.Equal(VrrpState.Master, h.Machine.State);
    }

    [Fact]
    public void Shutdown_Master_SendsPriorityZeroThenReleasesAddresses()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        var actions = h.Step(new VrrpInput.Shutdown());

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.StateChanged(VrrpState.Master, VrrpState.Initialize, VrrpTransitionCause.Shutdown),
                new VrrpAction.SendAdvert(0),
                new VrrpAction.StopGratuitousArp(),
                new VrrpAction.RemoveVirtualAddresses([Vip]),
            ],
            actions);
        Assert.Null(h.Machine.NextDeadline);
        Assert.Empty(h.Tick(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Start_AfterShutdown_StartsAgainAsBackup()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();
        h.Step(new VrrpInput.Shutdown());

        var actions = h.Start();

        Assert.Equal(VrrpState.Backup, actions.OfType<VrrpAction.StateChanged>().Single().To);
        Assert.Equal(Us(341_406), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Advert_AddressOwnerHearsAnotherOwnerWithGreaterAddress_StepsDown()
    {
        var h = new ElectionHarness(V3(priority: 255));
        h.Start();

        Assert.Equal(LeaveMasterActions(VrrpTransitionCause.EqualPriorityHigherAddress), h.Advert(255, from: ElectionHarness.Peer));
    }
}
