using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Election;

/// <summary>
/// Skew_Time and Master_Down_Interval with keepalived 2.2.7's integer microsecond arithmetic, so a
/// pair with keepalived times out exactly as keepalived does.
/// </summary>
/// <remarks>
/// v2 (RFC 3768 §6.1): Skew_Time = (256 − Priority) / 256 s, whatever the interval.
/// v3 (RFC 5798 §6.1): Skew_Time = ((256 − Priority) × Master_Adver_Interval) / 256. The RFC counts
/// in centiseconds, which would truncate 6.09 cs to 6 cs at priority 100 and 100 ms; keepalived
/// computes (256 − prio) × centiseconds × 625 / 16 µs (625/16 = 10000/256) and truncates to the
/// microsecond: 60.937 ms. Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time
/// (v2: 3 × Advertisement_Interval + Skew_Time). Measured keepalived takeover: 0.361 s (v3,
/// 100 ms, priority 100) and 3.61 s (v2, 1 s).
/// </remarks>
public static class VrrpTimers
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;
    private const long TicksPerCentisecond = TimeSpan.TicksPerMillisecond * 10;

    public static TimeSpan SkewTime(VrrpVersion version, byte priority, TimeSpan masterAdvertInterval)
    {
        long weight = 256 - priority;
        long microseconds = version == VrrpVersion.V2
            ? weight * 1_000_000 / 256
            : weight * (masterAdvertInterval.Ticks / TicksPerCentisecond) * 625 / 16;
        return TimeSpan.FromTicks(microseconds * TicksPerMicrosecond);
    }

    public static TimeSpan MasterDownInterval(VrrpVersion version, byte priority, TimeSpan masterAdvertInterval) =>
        (3 * masterAdvertInterval) + SkewTime(version, priority, masterAdvertInterval);
}
