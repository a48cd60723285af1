using System.Net;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>A reload changing an instance's parameters in place: the state is kept, nothing flaps.</summary>
public sealed class ReconfigureTests
{
    private static readonly IPAddress NewVip = IPAddress.Parse("198.18.10.89");

    private static IReadOnlyList<VrrpAction> Reconfigure(ElectionHarness h, VrrpInstanceOptions next) =>
        h.Step(new VrrpInput.Reconfigure(next));

    [Fact]
    public void Master_NewPriority_StaysMasterAndAdvertisesItAtOnce()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();
        h.Tick(TimeSpan.FromMilliseconds(40));

        var actions = Reconfigure(h, V3(priority: 120));

        Assert.Equal<VrrpAction>([new VrrpAction.SendAdvert(120)], actions);
        Assert.Equal(VrrpState.Master, h.Machine.State);
        Assert.Equal(120, h.Machine.MasterPriority);
        Assert.Equal(TimeSpan.FromMilliseconds(100), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Master_NewInterval_NextAdvertAfterTheNewInterval()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        Reconfigure(h, V3(priority: 150, intervalMs: 300));

        Assert.Empty(h.Tick(TimeSpan.FromMilliseconds(299)));
        Assert.Equal<VrrpAction>([new VrrpAction.SendAdvert(150)], h.Tick(TimeSpan.FromMilliseconds(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(300), h.Machine.MasterAdvertInterval);
    }

    [Fact]
    public void Master_VipReplaced_AddsTheNewOneBeforeTheAdvert_RemovesTheOldAfter_AnnouncesTheSet()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        var actions = Reconfigure(h, V3(priority: 150) with { VirtualAddresses = [NewVip] });

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.AddVirtualAddresses([NewVip]),
                new VrrpAction.SendAdvert(150),
                new VrrpAction.RemoveVirtualAddresses([Vip]),
                new VrrpAction.StartGratuitousArp([NewVip]),
            ],
            actions);
        Assert.True(h.Machine.HoldsAddresses);
        Assert.Equal(VrrpState.Master, h.Machine.State);
    }

    [Fact]
    public void Backup_NewPriority_KeepsItsTimer_AndDecidesOnTheNextAdverts()
    {
        var h = new ElectionHarness(V3(priority: 100));
        h.Start();
        h.Advert(120);
        var before = h.Machine.NextDeadline;

        Assert.Empty(Reconfigure(h, V3(priority: 200)));
        Assert.Equal(VrrpState.Backup, h.Machine.State);
        Assert.Equal(before, h.Machine.NextDeadline);

        // The master's 120 is now lower: with preempt its adverts are ignored and we take over.
        // (The timer armed by the last accepted advert runs on: 3 × 100 ms + the old skew of 60.9 ms.)
        h.Advert(120);
        var actions = h.Tick(TimeSpan.FromMilliseconds(361));
        Assert.Equal(h.EnterMasterActions(VrrpState.Backup, VrrpTransitionCause.Preempted), actions);
    }

    [Fact]
    public void Backup_BecomesOwner_TakesOverAtOnce()
    {
        var h = new ElectionHarness(V3(priority: 100));
        h.Start();
        h.Advert(120);

        var actions = Reconfigure(h, V3(priority: 255));

        Assert.Equal(h.EnterMasterActions(VrrpState.Backup, VrrpTransitionCause.Reconfigured), actions);
    }

    [Fact]
    public void HeldBackupAfterFailover_StaysHeld()
    {
        var h = new ElectionHarness(V3(priority: 150) with { MakeBeforeBreak = false });
        h.StartAsMaster();
        h.Step(new VrrpInput.Failover());

        Assert.Empty(Reconfigure(h, V3(priority: 255) with { MakeBeforeBreak = false }));
        Assert.Empty(h.Tick(TimeSpan.FromHours(1)));
        Assert.True(h.Machine.IsHeld);
        Assert.Equal(VrrpState.Backup, h.Machine.State);
    }

    [Fact]
    public void MakeBeforeBreakCopy_FollowsTheNewAddressSet()
    {
        var h = new ElectionHarness(V3(priority: 150) with { MakeBeforeBreak = true });
        h.StartAsMaster();
        h.Step(new VrrpInput.Failover());

        var actions = Reconfigure(h, V3(priority: 150) with { MakeBeforeBreak = true, VirtualAddresses = [NewVip] });

        Assert.Equal<VrrpAction>([new VrrpAction.AddVirtualAddresses([NewVip]), new VrrpAction.RemoveVirtualAddresses([Vip])], actions);
        Assert.Equal<VrrpAction>([new VrrpAction.RemoveVirtualAddresses([NewVip])], h.Advert(100));
    }

    [Fact]
    public void AnotherVridOrVersion_IsNotAReconfiguration_AndChangesNothing()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        Assert.False(VrrpStateMachine.CanReconfigure(h.Options, V3() with { VirtualRouterId = 52 }));
        Assert.False(VrrpStateMachine.CanReconfigure(h.Options, V2()));
        Assert.Throws<ArgumentException>(() => Reconfigure(h, V2(priority: 150)));
        Assert.Equal(VrrpVersion.V3, h.Options.Version);
        Assert.Equal(VrrpState.Master, h.Machine.State);
    }

    [Fact]
    public void Driver_RefusesAnotherVrid_BeforeTouchingTheMachine()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var driver = new VrrpInstanceDriver(V3(priority: 150), new RecordingSink(time), time);
        driver.Start();

        Assert.Throws<ArgumentException>(() => driver.Reconfigure(V3() with { VirtualRouterId = 9 }));
        driver.Reconfigure(V3(priority: 120));
        Assert.Equal(120, driver.Options.Priority);
    }
}
