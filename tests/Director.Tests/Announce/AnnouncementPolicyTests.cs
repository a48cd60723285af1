using System.Net;
using HaDirector.Director.Announce;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.Director.Tests.Announce;

public sealed class AnnouncementPolicyTests
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.10.80");
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);
    private static readonly VipConditions NoRealServer = new("web: 0 of 2 real server(s) up, needs 1", null);

    /// <summary>
    /// The fake's monotonic clock with a wall clock that an operator or NTP can step either way (FakeTimeProvider
    /// moves both together and refuses to go back).
    /// </summary>
    private sealed class SteppedWallClock : TimeProvider
    {
        public FakeTimeProvider Monotonic { get; } = new(T0);

        public TimeSpan Step { get; set; }

        public override DateTimeOffset GetUtcNow() => Monotonic.GetUtcNow() + Step;

        public override long GetTimestamp() => Monotonic.GetTimestamp();

        public override long TimestampFrequency => Monotonic.TimestampFrequency;

        public void Advance(double seconds) => Monotonic.Advance(TimeSpan.FromSeconds(seconds));
    }

    private readonly SteppedWallClock _clock = new();

    private AnnouncementPolicy Policy(double holdDownSeconds) => new(TimeSpan.FromSeconds(holdDownSeconds), _clock);

    [Fact]
    public void Decide_FirstDecisionGood_AnnouncesWithoutHoldDown()
    {
        var decision = Policy(10).Decide(Vip, VipConditions.Good, maintenance: false, stopping: false);

        Assert.True(decision.Announce);
        Assert.Equal(T0, decision.Since);
    }

    [Fact]
    public void Decide_HealthFailsThenRecovers_WithdrawsAtOnceAndAnnouncesAfterHoldDown()
    {
        var policy = Policy(10);
        policy.Decide(Vip, VipConditions.Good, false, false);

        _clock.Advance(1);
        var down = policy.Decide(Vip, NoRealServer, false, false);
        _clock.Advance(1);
        var back = policy.Decide(Vip, VipConditions.Good, false, false);
        _clock.Advance(8.9);
        var almost = policy.Decide(Vip, VipConditions.Good, false, false);
        _clock.Advance(0.1);
        var announced = policy.Decide(Vip, VipConditions.Good, false, false);

        Assert.Equal((AnnounceReason.NoHealthyRealServer, NoRealServer.ShortService), (down.Reason, down.Detail));
        Assert.Equal((AnnounceReason.HoldDown, T0.AddSeconds(11)), (back.Reason, back.Until));
        Assert.Equal(AnnounceReason.HoldDown, almost.Reason);
        Assert.Equal(T0.AddSeconds(2), almost.Since);
        Assert.True(announced.Announce);
    }

    [Theory]
    [InlineData(3600)]    // a step forward: before, the VIP was announced at once (now - lastBad > holdDown)
    [InlineData(-3600)]   // a step back: before, it stayed withdrawn for the hour of the step
    public void Decide_WallClockStepsDuringHoldDown_HoldDownLastsItsLengthOnTheMonotonicClock(double stepSeconds)
    {
        var policy = Policy(10);
        policy.Decide(Vip, NoRealServer, false, false);

        _clock.Advance(1);
        _clock.Step = TimeSpan.FromSeconds(stepSeconds);
        var afterStep = policy.Decide(Vip, VipConditions.Good, false, false);
        _clock.Advance(8.9);
        var almost = policy.Decide(Vip, VipConditions.Good, false, false);
        _clock.Advance(0.1);
        var announced = policy.Decide(Vip, VipConditions.Good, false, false);

        Assert.Equal(AnnounceReason.HoldDown, afterStep.Reason);
        // Status shows when, on the wall clock as it is now, the hold-down ends: 9 s from the decision.
        Assert.Equal(T0.AddSeconds(1 + stepSeconds + 9), afterStep.Until);
        Assert.Equal(AnnounceReason.HoldDown, almost.Reason);
        Assert.True(announced.Announce);
    }

    [Fact]
    public void Decide_FlappingCheck_StaysWithdrawnUntilItHoldsStill()
    {
        var policy = Policy(10);
        var announcements = 0;
        for (var s = 0; s < 60; s++)
        {
            // Down one second in four: each failure restarts the hold-down, so the route never comes back.
            var decision = policy.Decide(Vip, s % 4 == 1 ? NoRealServer : VipConditions.Good, false, false);
            announcements += decision.Announce ? 1 : 0;
            _clock.Advance(1);
        }

        Assert.Equal(1, announcements);
    }

    [Fact]
    public void Decide_TrackerDownAndNoRealServer_NamesTheTracker()
    {
        var decision = Policy(0).Decide(Vip, NoRealServer with { TrackerDown = "uplink" }, false, false);

        Assert.Equal((AnnounceReason.TrackerDown, "tracker uplink down"), (decision.Reason, decision.Detail));
    }

    [Fact]
    public void Decide_MaintenanceThenResume_AnnouncesAtOnce()
    {
        var policy = Policy(10);
        policy.Decide(Vip, VipConditions.Good, false, false);

        _clock.Advance(1);
        var held = policy.Decide(Vip, VipConditions.Good, maintenance: true, stopping: false);
        _clock.Advance(1);
        var resumed = policy.Decide(Vip, VipConditions.Good, maintenance: false, stopping: false);

        Assert.Equal(AnnounceReason.Maintenance, held.Reason);
        Assert.True(resumed.Announce);
    }

    [Fact]
    public void Decide_Stopping_WinsOverEverything()
    {
        var decision = Policy(0).Decide(Vip, NoRealServer with { TrackerDown = "uplink" }, maintenance: true, stopping: true);

        Assert.Equal(AnnounceReason.Stopping, decision.Reason);
    }
}
