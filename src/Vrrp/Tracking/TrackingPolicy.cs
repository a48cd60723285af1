namespace HaDirector.Vrrp.Tracking;

/// <summary>
/// keepalived's tracking rule made explicit: trackers with a weight move the priority, those without put the instance
/// in Fault while failing. Pure: readings in, verdict out.
/// </summary>
public static class TrackingPolicy
{
    /// <summary>The lowest priority a weight can lead to: 0 is a resigning master's, never a live one's.</summary>
    public const byte MinPriority = 1;

    /// <summary>The highest: 255 belongs to the address owner, which no weight reaches or leaves.</summary>
    public const byte MaxPriority = 254;

    /// <summary>The widest weight: one tracker can move any priority 1..254 to the other end and no further.</summary>
    public const int MaxWeight = 253;

    public static TrackingVerdict Evaluate(byte basePriority, IReadOnlyList<TrackedBy> trackers)
    {
        ArgumentNullException.ThrowIfNull(trackers);
        List<string>? faulted = null;
        long delta = 0;
        foreach (var t in trackers)
        {
            if (Contribution(t) is { } change)
            {
                delta += change;
            }
            else
            {
                (faulted ??= []).Add(t.Tracker);
            }
        }

        // keepalived: an owner (255) keeps its priority whatever the weights; Fault still applies to it.
        var priority = basePriority == 255 ? basePriority : (byte)Math.Clamp(basePriority + delta, MinPriority, MaxPriority);
        return new TrackingVerdict(priority, faulted ?? (IReadOnlyList<string>)[]);
    }

    /// <summary>The priority change of one tracker, or null when it puts the instance in Fault.</summary>
    private static long? Contribution(TrackedBy t)
    {
        if (t.Reading.Value is { } value)
        {
            // track_file: without a weight any non-zero value is a failure; with one, value × weight, and below
            // -253 (no priority survives it) a failure, as keepalived does.
            if (t.Weight is not { } factor)
            {
                return value == 0 ? 0 : null;
            }

            var product = value * factor;
            return product < -MaxWeight ? null : product;
        }

        return t.Weight switch
        {
            null => t.Reading.Up ? 0 : null,
            < 0 and var w => t.Reading.Up ? 0 : w,
            var w => t.Reading.Up ? w : 0,
        };
    }
}
