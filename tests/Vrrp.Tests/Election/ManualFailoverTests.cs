using HaDirector.Vrrp.Election;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary><c>hadirector failover</c> / <c>resume</c>: priority 0, then Backup held until Resume.</summary>
public sealed class ManualFailoverTests
{
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    [Fact]
    public void Failover_Master_SendsPriorityZeroAndReleasesAddresses()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        var actions = h.Step(new VrrpInput.Failover());

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.StateChanged(VrrpState.Master, VrrpState.Backup, VrrpTransitionCause.ManualFailover),
                new VrrpAction.SendAdvert(0),
                new VrrpAction.StopGratuitousArp(),
                new VrrpAction.RemoveVirtualAddresses([Vip]),
            ],
            actions);
        Assert.True(h.Machine.IsHeld);
        Assert.Null(h.Machine.NextDeadline);
    }

    [Fact]
    public void Failover_NobodyTakesOver_StaysBackupForever()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();
        h.Step(new VrrpInput.Failover());

        Assert.Empty(h.Tick(TimeSpan.FromHours(1)));
        Assert.Empty(h.Advert(0));
        Assert.Empty(h.Tick(TimeSpan.FromHours(1)));
        Assert.Equal(VrrpState.Backup, h.Machine.State);
    }

    [Fact]
    public void Failover_LowerPriorityMasterAdvertises_HeldBackupDoesNotPreempt()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();
        h.Step(new VrrpInput.Failover());

        for (int i = 0; i < 50; i++)
        {
            Assert.Empty(h.Tick(TimeSpan.FromMilliseconds(100)));
            Assert.Empty(h.Advert(100));
        }

        Assert.Equal(VrrpState.Backup, h.Machine.State);
        Assert.Equal(100, h.Machine.MasterPriority);
    }

    [Fact]
    public void Resume_HeldBackup_TakesOverAfterMasterDownIntervalLikeAnyBackup()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();
        h.Step(new VrrpInput.Failover());
        h.Advert(100);

        Assert.Empty(h.Step(new VrrpInput.Resume()));
        Assert.False(h.Machine.IsHeld);
        Assert.Empty(h.Tick(Us(341_406) - OneTick));
        Assert.Equal(VrrpState.Master, h.Tick(OneTick).OfType<VrrpAction.StateChanged>().Single().To);
    }

    [Fact]
    public void Failover_Backup_HoldsWithoutActionsAndNeverTakesOver()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.Start();

        Assert.Empty(h.Step(new VrrpInput.Failover()));
        Assert.True(h.Machine.IsHeld);
        Assert.Empty(h.Tick(TimeSpan.FromHours(1)));
        Assert.Equal(VrrpState.Backup, h.Machine.State);
    }

    [Fact]
    public void Resume_NotHeld_DoesNothing()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        Assert.Empty(h.Step(new VrrpInput.Resume()));
        Assert.Equal(TimeSpan.FromMilliseconds(100), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Failover_AddressOwner_HeldBackupEvenAfterInterfaceFlap()
    {
        var h = new ElectionHarness(V3(priority: 255));
        h.Start();
        h.Step(new VrrpInput.Failover());
        h.Step(new VrrpInput.InterfaceDown());

        var actions = h.Step(new VrrpInput.InterfaceUp());

        Assert.Equal(VrrpState.Backup, actions.OfType<VrrpAction.StateChanged>().Single().To);
        Assert.Null(h.Machine.NextDeadline);
    }

    [Fact]
    public void Failover_MakeBeforeBreak_KeepsAddressesUntilNewMasterAdvertises()
    {
        var h = new ElectionHarness(V3(priority: 150) with { MakeBeforeBreak = true });
        h.StartAsMaster();

        var actions = h.Step(new VrrpInput.Failover());

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.StateChanged(VrrpState.Master, VrrpState.Backup, VrrpTransitionCause.ManualFailover),
                new VrrpAction.SendAdvert(0),
                new VrrpAction.StopGratuitousArp(),
            ],
            actions);
        Assert.True(h.Machine.HoldsAddresses);
        Assert.Empty(h.Tick(TimeSpan.FromSeconds(1)));
        Assert.Equal<VrrpAction>([new VrrpAction.RemoveVirtualAddresses([Vip])], h.Advert(100));
        Assert.False(h.Machine.HoldsAddresses);
        Assert.Empty(h.Advert(100));
    }

    [Fact]
    public void Failover_MakeBeforeBreakAndPriorityZeroHeard_AddressesStillKept()
    {
        var h = new ElectionHarness(V3(priority: 150) with { MakeBeforeBreak = true });
        h.StartAsMaster();
        h.Step(new VrrpInput.Failover());

        Assert.Empty(h.Advert(0));
        Assert.True(h.Machine.HoldsAddresses);
    }

    [Fact]
    public void Resume_MakeBeforeBreakAndNoNewMaster_BackToMasterAtOnce()
    {
        var h = new ElectionHarness(V3(priority: 150) with { MakeBeforeBreak = true });
        h.StartAsMaster();
        h.Step(new VrrpInput.Failover());

        var actions = h.Step(new VrrpInput.Resume());

        Assert.Equal(h.EnterMasterActions(VrrpState.Backup, VrrpTransitionCause.Resumed), actions);
        Assert.Equal(TimeSpan.FromMilliseconds(100), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Shutdown_MakeBeforeBreakStillHoldingAddresses_RemovesThem()
    {
        var h = new ElectionHarness(V3(priority: 150) with { MakeBeforeBreak = true });
        h.StartAsMaster();
        h.Step(new VrrpInput.Failover());

        var actions = h.Step(new VrrpInput.Shutdown());

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.StateChanged(VrrpState.Backup, VrrpState.Initialize, VrrpTransitionCause.Shutdown),
                new VrrpAction.RemoveVirtualAddresses([Vip]),
            ],
            actions);
    }

    [Fact]
    public void FailoverUnanswered_StillHoldingAddresses_MasterAgainWithAdverts()
    {
        var h = new ElectionHarness(V3(priority: 150) with { MakeBeforeBreak = true });
        h.StartAsMaster();
        h.Step(new VrrpInput.Failover());
        h.Tick(TimeSpan.FromSeconds(1));

        var actions = h.Step(new VrrpInput.FailoverUnanswered(Release: false));

        Assert.Equal(h.EnterMasterActions(VrrpState.Backup, VrrpTransitionCause.FailoverUnanswered), actions);
        Assert.False(h.Machine.IsHeld);
        Assert.Equal(new VrrpAction.SendAdvert(150), h.Tick(TimeSpan.FromMilliseconds(100)).Single());
    }

    [Fact]
    public void FailoverUnanswered_Release_DropsAddressesAndStaysHeld()
    {
        var h = new ElectionHarness(V3(priority: 150) with { MakeBeforeBreak = true });
        h.StartAsMaster();
        h.Step(new VrrpInput.Failover());

        var actions = h.Step(new VrrpInput.FailoverUnanswered(Release: true));

        Assert.Equal<VrrpAction>([new VrrpAction.RemoveVirtualAddresses([Vip])], actions);
        Assert.Equal(VrrpState.Backup, h.Machine.State);
        Assert.True(h.Machine.IsHeld);
        Assert.False(h.Machine.HoldsAddresses);
    }

    [Fact]
    public void FailoverUnanswered_NewMasterAlreadyHeard_Nothing()
    {
        var h = new ElectionHarness(V3(priority: 150) with { MakeBeforeBreak = true });
        h.StartAsMaster();
        h.Step(new VrrpInput.Failover());
        h.Advert(100);

        Assert.Empty(h.Step(new VrrpInput.FailoverUnanswered(Release: false)));
        Assert.Equal(VrrpState.Backup, h.Machine.State);
        Assert.True(h.Machine.IsHeld);
    }
}
