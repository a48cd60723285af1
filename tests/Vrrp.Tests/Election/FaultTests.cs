using HaDirector.Vrrp.Election;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>Fault while the interface is down (keepalived's FAULT state; not in RFC 5798).</summary>
public sealed class FaultTests
{
    [Fact]
    public void InterfaceDown_Master_FaultAndAddressesReleasedWithoutAdvert()
    {
        var h = new ElectionHarness(V3(priority: 150));
        h.StartAsMaster();

        var actions = h.Step(new VrrpInput.InterfaceDown());

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.StateChanged(VrrpState.Master, VrrpState.Fault, VrrpTransitionCause.InterfaceDown),
                new VrrpAction.StopGratuitousArp(),
                new VrrpAction.RemoveVirtualAddresses([Vip]),
            ],
            actions);
        Assert.Null(h.Machine.NextDeadline);
    }

    [Fact]
    public void InterfaceDown_Backup_FaultAndTimerStopped()
    {
        var h = new ElectionHarness(V3());
        h.Start();

        var actions = h.Step(new VrrpInput.InterfaceDown());

        Assert.Equal<VrrpAction>([new VrrpAction.StateChanged(VrrpState.Backup, VrrpState.Fault, VrrpTransitionCause.InterfaceDown)], actions);
        Assert.Empty(h.Tick(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Advert_InFault_Ignored()
    {
        var h = new ElectionHarness(V3());
        h.Start();
        h.Step(new VrrpInput.InterfaceDown());

        Assert.Empty(h.Advert(0));
        Assert.Empty(h.Advert(200));
        Assert.Equal(VrrpState.Fault, h.Machine.State);
    }

    [Fact]
    public void InterfaceUp_FromFault_BackupWithFreshMasterDownTimer()
    {
        var h = new ElectionHarness(V3());
        h.Start();
        h.Step(new VrrpInput.InterfaceDown());
        h.Time.Advance(TimeSpan.FromSeconds(5));

        var actions = h.Step(new VrrpInput.InterfaceUp());

        Assert.Equal<VrrpAction>([new VrrpAction.StateChanged(VrrpState.Fault, VrrpState.Backup, VrrpTransitionCause.InterfaceUp)], actions);
        Assert.Equal(Us(360_937), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void InterfaceUp_AddressOwnerFromFault_MasterAtOnce()
    {
        var h = new ElectionHarness(V3(priority: 255));
        h.Start();
        h.Step(new VrrpInput.InterfaceDown());

        Assert.Equal(h.EnterMasterActions(VrrpState.Fault, VrrpTransitionCause.InterfaceUp), h.Step(new VrrpInput.InterfaceUp()));
    }

    [Fact]
    public void InterfaceUp_WhileBackup_NoChange()
    {
        var h = new ElectionHarness(V3());
        h.Start();

        Assert.Empty(h.Step(new VrrpInput.InterfaceUp()));
        Assert.Equal(Us(360_937), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Shutdown_InFault_Initialize()
    {
        var h = new ElectionHarness(V3());
        h.Start();
        h.Step(new VrrpInput.InterfaceDown());

        Assert.Equal<VrrpAction>(
            [new VrrpAction.StateChanged(VrrpState.Fault, VrrpState.Initialize, VrrpTransitionCause.Shutdown)],
            h.Step(new VrrpInput.Shutdown()));
    }
}
