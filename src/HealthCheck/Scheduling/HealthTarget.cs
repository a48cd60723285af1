using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// One thing to check: a probe, its timing and its policy state. <see cref="Tag"/> carries the owner's
/// identity (the Director's real-server id) back through <see cref="IHealthObserver"/>.
/// </summary>
public sealed class HealthTarget(string name, IProbe probe, CheckTiming timing, HealthPolicy policy, object? tag = null)
{
    private readonly HealthTracker _tracker = new(policy);

    public string Name => name;

    public IProbe Probe => probe;

    public CheckTiming Timing => timing;

    public object? Tag => tag;

    // Set under the scheduler's lock; where its rounds stand is the lane's (ScheduledRound).
    internal bool Added { get; set; }

    internal bool Removed { get; set; }

    public HealthSnapshot Snapshot()
    {
        lock (_tracker)
        {
            return _tracker.Snapshot();
        }
    }

    /// <param name="snapshot">The state right after this result, taken under the same lock: a snapshot read later could already hold a newer result.</param>
    internal HealthChange Record(in ProbeResult result, DateTimeOffset at, out HealthSnapshot snapshot)
    {
        lock (_tracker)
        {
            var change = _tracker.Record(result, at);
            snapshot = _tracker.Snapshot();
            return change;
        }
    }

    public override string ToString() => name;
}
