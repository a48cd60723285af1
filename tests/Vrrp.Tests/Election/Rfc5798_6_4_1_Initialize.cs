using HaDirector.Vrrp.Election;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>RFC 5798 §6.4.1: what Startup does.</summary>
public sealed class Rfc5798_6_4_1_Initialize
{
    [Fact]
    public void Start_AddressOwner_MasterAtOnceWithAddressesThenAdvertThenGarp()
    {
        var h = new ElectionHarness(V3(priority: 255));

        var actions = h.Start();

        Assert.Equal(h.EnterMasterActions(VrrpState.Initialize, VrrpTransitionCause.Startup), actions);
        Assert.Equal(VrrpState.Master, h.Machine.State);
        Assert.Equal(TimeSpan.FromMilliseconds(100), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Start_NotOwner_BackupWithMasterDownTimerAtMasterDownInterval()
    {
        var h = new ElectionHarness(V3(priority: 100));

        var actions = h.Start();

        Assert.Equal<VrrpAction>([new VrrpAction.StateChanged(VrrpState.Initialize, VrrpState.Backup, VrrpTransitionCause.Startup)], actions);
        Assert.Equal(Us(360_937), h.Machine.GetTimeUntilNextDeadline());
        Assert.Equal(h.Time.GetTimestamp() + Us(360_937).Ticks, h.Machine.NextDeadline);
    }

    [Fact]
    public void Start_Twice_SecondDoesNothing()
    {
        var h = new ElectionHarness(V3());
        h.Start();
        h.Time.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Empty(h.Start());
        Assert.Equal(Us(310_937), h.Machine.GetTimeUntilNextDeadline());
    }

    [Fact]
    public void Step_BeforeStart_AdvertsAndTimersIgnored()
    {
        var h = new ElectionHarness(V3());

        Assert.Empty(h.Advert(200));
        Assert.Empty(h.Tick(TimeSpan.FromHours(1)));
        Assert.Equal(VrrpState.Initialize, h.Machine.State);
        Assert.Null(h.Machine.NextDeadline);
    }

    [Fact]
    public void Start_InterfaceAlreadyDown_Fault()
    {
        var h = new ElectionHarness(V3(priority: 255));
        h.Step(new VrrpInput.InterfaceDown());

        var actions = h.Start();

        Assert.Equal<VrrpAction>([new VrrpAction.StateChanged(VrrpState.Initialize, VrrpState.Fault, VrrpTransitionCause.InterfaceDown)], actions);
        Assert.Null(h.Machine.NextDeadline);
    }
}
