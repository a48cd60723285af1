using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Tracking;
using static HaDirector.Vrrp.Election.VrrpState;
using static HaDirector.Vrrp.Election.VrrpTransitionCause;

namespace HaDirector.Vrrp.Tests.Tracking;

public sealed class SyncGroupTests
{
    private readonly SyncGroup _group = new("dual", ["web4", "web6", "nat"]);

    private static VrrpAction.StateChanged Change(VrrpState from, VrrpState to, VrrpTransitionCause cause) => new(from, to, cause);

    [Fact]
    public void OnTransition_OneMemberFaults_AllOthersFollowIntoFault()
    {
        Assert.Equal(
            [("web6", (VrrpInput)new VrrpInput.SyncFault()), ("nat", new VrrpInput.SyncFault())],
            _group.OnTransition("web4", Change(Master, Fault, TrackerFault)));
    }

    [Fact]
    public void OnTransition_FollowerFaultsBecauseOfTheGroup_NotPassedOn()
    {
        _group.OnTransition("web4", Change(Master, Fault, InterfaceDown));

        Assert.Empty(_group.OnTransition("web6", Change(Master, Fault, VrrpTransitionCause.SyncGroup)));
        Assert.Empty(_group.OnTransition("web6", Change(Fault, Backup, VrrpTransitionCause.SyncGroup)));
    }

    [Fact]
    public void OnTransition_TwoOwnFaults_RecoveredOnlyWhenTheLastOneIsUp()
    {
        _group.OnTransition("web4", Change(Backup, Fault, TrackerFault));
        Assert.Empty(_group.OnTransition("web6", Change(Fault, Fault, InterfaceDown)));

        Assert.Empty(_group.OnTransition("web4", Change(Fault, Backup, TrackersRecovered)));
        Assert.Equal(
            [("web4", (VrrpInput)new VrrpInput.SyncRecovered()), ("nat", new VrrpInput.SyncRecovered())],
            _group.OnTransition("web6", Change(Fault, Backup, InterfaceUp)));
    }

    [Fact]
    public void OnTransition_MasterOutvoted_OtherMastersGoBackup()
    {
        Assert.Equal(
            [("web4", (VrrpInput)new VrrpInput.SyncBackup()), ("nat", new VrrpInput.SyncBackup())],
            _group.OnTransition("web6", Change(Master, Backup, HigherPriorityAdvert)));
    }

    [Fact]
    public void OnTransition_MasterHandedOverByFailover_OtherMembersHandedOverToo()
    {
        // Not SyncBackup: that drops a member's VIPs at once with no priority 0, and leaves it unheld.
        Assert.Equal(
            [("web4", (VrrpInput)new VrrpInput.Failover()), ("nat", new VrrpInput.Failover())],
            _group.OnTransition("web6", Change(Master, Backup, ManualFailover)));
    }

    [Fact]
    public void OnTransition_BecameMaster_WaitingMembersAreTold()
    {
        Assert.Equal(
            [("web6", (VrrpInput)new VrrpInput.SyncMaster()), ("nat", new VrrpInput.SyncMaster())],
            _group.OnTransition("web4", Change(Backup, Master, MasterDownTimerExpired)));
        Assert.Empty(_group.OnTransition("web6", Change(Backup, Master, VrrpTransitionCause.SyncGroup)));
    }

    [Fact]
    public void OnTransition_Shutdown_NothingPassedOn() =>
        Assert.Empty(_group.OnTransition("web4", Change(Backup, Initialize, Shutdown)));

    [Theory]
    [InlineData(Master, false, Master, false, true)]
    [InlineData(Backup, true, Master, false, true)]
    [InlineData(Backup, true, Backup, true, true)]
    [InlineData(Backup, false, Master, false, false)]
    [InlineData(Fault, false, Master, false, false)]
    [InlineData(Master, false, Initialize, false, false)]
    public void MayBecomeMaster_OtherMembers_OnlyWhenEachIsMasterOrWaiting(
        VrrpState web6, bool web6Wants, VrrpState nat, bool natWants, bool may)
    {
        var view = new Dictionary<string, (VrrpState, bool)> { ["web4"] = (Fault, false), ["web6"] = (web6, web6Wants), ["nat"] = (nat, natWants) };

        Assert.Equal(may, _group.MayBecomeMaster("web4", m => view[m]));
    }
}
