using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>The election's side of a sync group: the gate on becoming master and the inputs a member follows.</summary>
public sealed class SyncGroupInputTests
{
    [Fact]
    public void MasterDownTimer_GateClosed_StaysBackupWantingMasterAndRearms()
    {
        var h = new ElectionHarness(V3());
        h.Machine.MasterGate = () => false;
        h.Start();

        Assert.Empty(h.Tick(h.Machine.MasterDownInterval));
        Assert.Equal(VrrpState.Backup, h.Machine.State);
        Assert.True(h.Machine.WantsMaster);
        Assert.Equal(h.Machine.MasterDownInterval, h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void SyncMaster_WhileWantingMaster_BecomesMaster()
    {
        var h = new ElectionHarness(V3());
        h.Machine.MasterGate = () => false;
        h.Start();
        h.Tick(h.Machine.MasterDownInterval);

        Assert.Equal(h.EnterMasterActions(VrrpState.Backup, VrrpTransitionCause.SyncGroup), h.Step(new VrrpInput.SyncMaster()));
        Assert.False(h.Machine.WantsMaster);
    }

    [Fact]
    public void SyncMaster_BackupHearingItsMaster_Ignored()
    {
        var h = new ElectionHarness(V3());
        h.Start();
        h.Advert(200);

        Assert.Empty(h.Step(new VrrpInput.SyncMaster()));
    }

    [Fact]
    public void Advert_WhileWantingMaster_ClearsTheWish()
    {
        var h = new ElectionHarness(V3());
        h.Machine.MasterGate = () => false;
        h.Start();
        h.Tick(h.Machine.MasterDownInterval);

        h.Advert(200);

        Assert.False(h.Machine.WantsMaster);
    }

    [Fact]
    public void SyncBackup_Master_LeavesWithoutPriorityZeroAndArmsMasterDown()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.StateChanged(VrrpState.Master, VrrpState.Backup, VrrpTransitionCause.SyncGroup),
                new VrrpAction.StopGratuitousArp(),
                new VrrpAction.RemoveVirtualAddresses([Vip]),
            ],
            h.Step(new VrrpInput.SyncBackup()));
        Assert.Equal(h.Machine.MasterDownInterval, h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void SyncBackup_MakeBeforeBreak_KeepsAddressesUntilItsOwnNewMasterIsHeard()
    {
        var h = new ElectionHarness(V3(priority: 150) with { MakeBeforeBreak = true });
        h.StartAsMaster();

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.StateChanged(VrrpState.Master, VrrpState.Backup, VrrpTransitionCause.SyncGroup),
                new VrrpAction.StopGratuitousArp(),
            ],
            h.Step(new VrrpInput.SyncBackup()));
        Assert.True(h.Machine.HoldsAddresses);
        Assert.Empty(h.Advert(0));
        Assert.Equal<VrrpAction>([new VrrpAction.RemoveVirtualAddresses([Vip])], h.Advert(200));
        Assert.False(h.Machine.HoldsAddresses);
    }

    [Fact]
    public void SyncBackup_MakeBeforeBreakNoNewMasterAndGroupStaysBackup_ReleasesAddressesAtMasterDown()
    {
        var h = new ElectionHarness(V3(priority: 150) with { MakeBeforeBreak = true });
        h.StartAsMaster();
        h.Machine.MasterGate = () => false;
        h.Step(new VrrpInput.SyncBackup());

        Assert.Equal<VrrpAction>([new VrrpAction.RemoveVirtualAddresses([Vip])], h.Tick(h.Machine.MasterDownInterval));
        Assert.Equal(VrrpState.Backup, h.Machine.State);
        Assert.False(h.Machine.HoldsAddresses);
        Assert.True(h.Machine.WantsMaster);
    }

    [Fact]
    public void SyncFault_Master_ResignsIntoFault_SyncRecoveredBackup()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.StateChanged(VrrpState.Master, VrrpState.Fault, VrrpTransitionCause.SyncGroup),
                new VrrpAction.SendAdvert(VrrpPacket.PriorityStop),
                new VrrpAction.StopGratuitousArp(),
                new VrrpAction.RemoveVirtualAddresses([Vip]),
            ],
            h.Step(new VrrpInput.SyncFault()));
        Assert.Equal<VrrpAction>(
            [new VrrpAction.StateChanged(VrrpState.Fault, VrrpState.Backup, VrrpTransitionCause.SyncGroup)],
            h.Step(new VrrpInput.SyncRecovered()));
    }

    [Fact]
    public void SyncRecovered_OwnTrackerStillFailing_StaysInFault()
    {
        var h = new ElectionHarness(V3());
        h.Start();
        h.Step(new VrrpInput.SyncFault());
        h.Step(new VrrpInput.TrackingFault());

        Assert.Empty(h.Step(new VrrpInput.SyncRecovered()));
        Assert.Equal(VrrpState.Fault, h.Machine.State);
    }
}
