namespace HaDirector.Director.Configuration;

/// <summary>The <c>vrrp</c> section.</summary>
public sealed record VrrpConfig
{
    public ValueList<VrrpInstanceConfig> Instances { get; init; } = [];

    /// <summary>
    /// SCHED_FIFO priority (1..99) of the VRRP timer and receive threads, so a loaded host cannot delay an
    /// advert or a takeover; 0 keeps them on the normal scheduler (e.g. in an emulated VM, where a busy
    /// real-time thread would starve everything else).
    /// </summary>
    public int RealtimePriority { get; init; } = 10;

    /// <summary>Trackers that instances name in their <c>track:</c> lists.</summary>
    public ValueList<TrackerConfig> Trackers { get; init; } = [];

    public ValueList<SyncGroupConfig> SyncGroups { get; init; } = [];
}
