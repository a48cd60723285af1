using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>Fault from a tracker without a weight (keepalived's track_script/track_interface with weight 0).</summary>
public sealed class TrackingFaultTests
{
    [Fact]
    public void TrackingFault_Master_ResignsWithPriorityZeroAndReleasesAddresses()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        var actions = h.Step(new VrrpInput.TrackingFault());

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.StateChanged(VrrpState.Master, VrrpState.Fault, VrrpTransitionCause.TrackerFault),
                new VrrpAction.SendAdvert(VrrpPacket.PriorityStop),
                new VrrpAction.StopGratuitousArp(),
                new VrrpAction.RemoveVirtualAddresses([Vip]),
            ],
            actions);
        Assert.Null(h.Machine.NextDeadline);
    }

    [Fact]
    public void TrackingFault_Backup_FaultAndNoTakeover()
    {
        var h = new ElectionHarness(V3());
        h.Start();

        Assert.Equal<VrrpAction>(
            [new VrrpAction.StateChanged(VrrpState.Backup, VrrpState.Fault, VrrpTransitionCause.TrackerFault)],
            h.Step(new VrrpInput.TrackingFault()));
        Assert.Empty(h.Tick(TimeSpan.FromHours(1)));
        Assert.Empty(h.Advert(0));
    }

    [Fact]
    public void TrackingFault_BeforeStart_StartsInFault()
    {
        var h = new ElectionHarness(V3(priority: 255));
        h.Step(new VrrpInput.TrackingFault());

        Assert.Equal<VrrpAction>(
            [new VrrpAction.StateChanged(VrrpState.Initialize, VrrpState.Fault, VrrpTransitionCause.TrackerFault)],
            h.Start());
    }

    [Fact]
    public void TrackingRecovered_FromFault_BackupWithFreshTimer()
    {
        var h = new ElectionHarness(V3());
        h.Start();
        h.Step(new VrrpInput.TrackingFault());

        Assert.Equal<VrrpAction>(
            [new VrrpAction.StateChanged(VrrpState.Fault, VrrpState.Backup, VrrpTransitionCause.TrackersRecovered)],
            h.Step(new VrrpInput.TrackingRecovered()));
        Assert.Equal(h.Machine.MasterDownInterval, h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void InterfaceUp_WhileTrackerStillFailing_StaysInFault()
    {
        var h = new ElectionHarness(V3());
        h.Start();
        h.Step(new VrrpInput.TrackingFault());
        h.Step(new VrrpInput.InterfaceDown());

        Assert.Empty(h.Step(new VrrpInput.InterfaceUp()));
        Assert.Equal(VrrpState.Fault, h.Machine.State);
    }

    [Fact]
    public void TrackingRecovered_WhileLinkDown_StaysInFault()
    {
        var h = new ElectionHarness(V3());
        h.Start();
        h.Step(new VrrpInput.InterfaceDown());
        h.Step(new VrrpInput.TrackingFault());

        Assert.Empty(h.Step(new VrrpInput.TrackingRecovered()));
        Assert.Equal(VrrpState.Fault, h.Machine.State);
        Assert.Equal<VrrpAction>(
            [new VrrpAction.StateChanged(VrrpState.Fault, VrrpState.Backup, VrrpTransitionCause.InterfaceUp)],
            h.Step(new VrrpInput.InterfaceUp()));
    }

    [Fact]
    public void TrackingRecovered_AddressOwner_MasterAtOnce()
    {
        var h = new ElectionHarness(V3(priority: 255));
        h.Start();
        h.Step(new VrrpInput.TrackingFault());

        Assert.Equal(h.EnterMasterActions(VrrpState.Fault, VrrpTransitionCause.TrackersRecovered), h.Step(new VrrpInput.TrackingRecovered()));
    }
}
