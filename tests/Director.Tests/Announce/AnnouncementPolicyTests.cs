using System.Net;
using HaDirector.Director.Announce;

namespace HaDirector.Director.Tests.Announce;

public sealed class AnnouncementPolicyTests
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.10.80");
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);
    private static readonly VipConditions NoRealServer = new("web: 0 of 2 real server(s) up, needs 1", null);

    [Fact]
    public void Decide_FirstDecisionGood_AnnouncesWithoutHoldDown()
    {
        var policy = new AnnouncementPolicy(TimeSpan.FromSeconds(10));

        var decision = policy.Decide(Vip, VipConditions.Good, maintenance: false, stopping: false, T0);

        Assert.True(decision.Announce);
        Assert.Equal(T0, decision.Since);
    }

    [Fact]
    public void Decide_HealthFailsThenRecovers_WithdrawsAtOnceAndAnnouncesAfterHoldDown()
    {
        var policy = new AnnouncementPolicy(TimeSpan.FromSeconds(10));
        policy.Decide(Vip, VipConditions.Good, false, false, T0);

        var down = policy.Decide(Vip, NoRealServer, false, false, T0.AddSeconds(1));
        var back = policy.Decide(Vip, VipConditions.Good, false, false, T0.AddSeconds(2));
        var almost = policy.Decide(Vip, VipConditions.Good, false, false, T0.AddSeconds(10.9));
        var announced = policy.Decide(Vip, VipConditions.Good, false, false, T0.AddSeconds(11));

        Assert.Equal((AnnounceReason.NoHealthyRealServer, NoRealServer.ShortService), (down.Reason, down.Detail));
        Assert.Equal((AnnounceReason.HoldDown, T0.AddSeconds(11)), (back.Reason, back.Until));
        Assert.Equal(AnnounceReason.HoldDown, almost.Reason);
        Assert.Equal(T0.AddSeconds(2), almost.Since);
        Assert.True(announced.Announce);
    }

    [Fact]
    public void Decide_FlappingCheck_StaysWithdrawnUntilItHoldsStill()
    {
        var policy = new AnnouncementPolicy(TimeSpan.FromSeconds(10));
        var announcements = 0;
        for (var s = 0; s < 60; s++)
        {
            // Down one second in four: each failure restarts the hold-down, so the route never comes back.
            var decision = policy.Decide(Vip, s % 4 == 1 ? NoRealServer : VipConditions.Good, false, false, T0.AddSeconds(s));
            announcements += decision.Announce ? 1 : 0;
        }

        Assert.Equal(1, announcements);
    }

    [Fact]
    public void Decide_TrackerDownAndNoRealServer_NamesTheTracker()
    {
        var policy = new AnnouncementPolicy(TimeSpan.Zero);

        var decision = policy.Decide(Vip, NoRealServer with { TrackerDown = "uplink" }, false, false, T0);

        Assert.Equal((AnnounceReason.TrackerDown, "tracker uplink down"), (decision.Reason, decision.Detail));
    }

    [Fact]
    public void Decide_MaintenanceThenResume_AnnouncesAtOnce()
    {
        var policy = new AnnouncementPolicy(TimeSpan.FromSeconds(10));
        policy.Decide(Vip, VipConditions.Good, false, false, T0);

        var held = policy.Decide(Vip, VipConditions.Good, maintenance: true, stopping: false, T0.AddSeconds(1));
        var resumed = policy.Decide(Vip, VipConditions.Good, maintenance: false, stopping: false, T0.AddSeconds(2));

        Assert.Equal(AnnounceReason.Maintenance, held.Reason);
        Assert.True(resumed.Announce);
    }

    [Fact]
    public void Decide_Stopping_WinsOverEverything()
    {
        var policy = new AnnouncementPolicy(TimeSpan.Zero);

        var decision = policy.Decide(Vip, NoRealServer with { TrackerDown = "uplink" }, maintenance: true, stopping: true, T0);

        Assert.Equal(AnnounceReason.Stopping, decision.Reason);
    }
}
