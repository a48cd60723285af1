using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Policy;

/// <summary>A target's health for status and metrics, copied at one moment.</summary>
/// <param name="Weight">What the last good result asked for (agent or exec); applies while <see cref="State"/> is up.</param>
/// <param name="Since">When <see cref="State"/> was entered; null while unknown.</param>
/// <param name="Results">
/// How many results the tracker has recorded: a per-target sequence, so whoever applies snapshots can tell
/// an older one from a newer one and never apply the older last.
/// </param>
public readonly record struct HealthSnapshot(
    HealthState State,
    WeightReport Weight,
    ProbeResult? LastResult,
    DateTimeOffset? LastChecked,
    DateTimeOffset? Since,
    long Flaps,
    int ConsecutiveSuccesses,
    int ConsecutiveFailures,
    long Results = 0);
