using System.Net;

namespace HaDirector.Director.Announce;

/// <summary>
/// Decides, per announced VIP, whether this director announces it, from what it sees (real servers up, trackers),
/// the operator's maintenance (<c>failover</c>/<c>resume</c>) and stop. No I/O: the caller carries out the result; the
/// only state is each VIP's last verdict and when its conditions were last bad.
/// </summary>
/// <remarks>
/// Withdrawing is immediate: a director that cannot forward a VIP must leave the router's next hops at once. Coming
/// back is not: after a withdrawal for health or a tracker, the VIP is announced again only once its conditions have
/// stayed good for <c>holdDown</c>, so a flapping check costs one withdrawal per hold-down instead of a BGP update per
/// flap (routers damp flapping prefixes, RFC 2439, and every update re-hashes the router's ECMP group). The health
/// checks' own rise/fall counts come first; this is the route's hysteresis on top. Maintenance and stop never start a
/// hold-down: <c>resume</c> announces at once. The first decision of a VIP has no history, so a restart announces
/// what it finds good without waiting.
/// The hold-down is measured on the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>): a wall-clock step (NTP,
/// an operator's <c>date</c>) neither cuts it short (a step forward would announce a flapping VIP at once) nor
/// stretches it (a step back would keep a healthy VIP withdrawn for as long as the step). The wall clock only
/// labels the verdicts for status (<c>since</c>, <c>until</c>).
/// </remarks>
public sealed class AnnouncementPolicy(TimeSpan holdDown, TimeProvider time)
{
    private readonly Dictionary<IPAddress, VipState> _vips = [];

    public TimeSpan HoldDown { get; } = holdDown;

    public AnnouncementDecision Decide(IPAddress vip, VipConditions conditions, bool maintenance, bool stopping)
    {
        var now = time.GetUtcNow();
        var stamp = time.GetTimestamp();
        _vips.TryGetValue(vip, out var state);
        if (!conditions.IsGood)
        {
            state.LastBad = stamp;
        }

        var left = state.LastBad is { } bad ? HoldDown - time.GetElapsedTime(bad, stamp) : TimeSpan.Zero;
        var (reason, detail, until) = stopping ? (AnnounceReason.Stopping, null, null)
            : maintenance ? (AnnounceReason.Maintenance, "hadirector failover; `hadirector resume` announces again", null)
            : conditions.TrackerDown is { } tracker ? (AnnounceReason.TrackerDown, $"tracker {tracker} down", null)
            : conditions.ShortService is { } service ? (AnnounceReason.NoHealthyRealServer, service, null)
            : left > TimeSpan.Zero ? (AnnounceReason.HoldDown, "announced again after the hold-down if nothing fails", now + left)
            : (AnnounceReason.Announcing, (string?)null, (DateTimeOffset?)null);

        var since = state.Last is { } last && last.Reason == reason ? last.Since : now;
        var decision = new AnnouncementDecision(vip, reason, detail, since, until);
        state.Last = decision;
        _vips[vip] = state;
        return decision;
    }

    /// <summary>Forgets VIPs a reload removed.</summary>
    public void Retain(IReadOnlySet<IPAddress> vips)
    {
        foreach (var vip in _vips.Keys.Where(v => !vips.Contains(v)).ToList())
        {
            _vips.Remove(vip);
        }
    }

    private struct VipState
    {
        /// <summary>A <see cref="TimeProvider.GetTimestamp"/> value.</summary>
        public long? LastBad;
        public AnnouncementDecision? Last;
    }
}
