namespace HaDirector.Vrrp.Tracking;

/// <summary>
/// What one tracker says now: up or failing, and for a file tracker the integer the file holds
/// (keepalived's <c>track_file</c>); <see cref="Value"/> is null for the up/failing kinds.
/// </summary>
public readonly record struct TrackerReading(bool Up, long? Value = null)
{
    public static TrackerReading Healthy { get; } = new(true);

    public static TrackerReading Failing { get; } = new(false);

    public static TrackerReading Holding(long value) => new(value == 0, value);

    public override string ToString() => Value is { } value ? $"value {value}" : Up ? "up" : "failing";
}
