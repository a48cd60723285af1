using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Policy;

/// <summary>
/// The pure policy for one target: results in, state and weight out. No clock: the caller says when each
/// result arrived. Not thread-safe; one result at a time (the scheduler never runs a target twice at once).
/// </summary>
/// <remarks>
/// Initial state: <see cref="HealthState.Unknown"/>, served with the configured weight, and the first result
/// decides at once, as HAProxy does. Starting down (keepalived's <c>alpha</c>) would pull every real server
/// for rise × interval on each daemon restart, although the kernel table is adopted as it is and is most
/// likely right; starting up and waiting for <c>fall</c> failures (keepalived's default) would keep sending
/// new connections to a server that is already dead for fall × interval after a start.
/// </remarks>
public sealed class HealthTracker(HealthPolicy policy)
{
    private HealthState state;
    private WeightReport weight;
    private ProbeResult? lastResult;
    private DateTimeOffset? lastChecked;
    private DateTimeOffset? since;
    private long flaps;
    private long results;
    private int successes;
    private int failures;

    public HealthPolicy Policy => policy;

    public HealthState State => state;

    /// <summary>The weight a good result asked for; none when it did not ask.</summary>
    public WeightReport Weight => weight;

    public HealthChange Record(in ProbeResult result, DateTimeOffset at)
    {
        results++;
        lastResult = result;
        lastChecked = at;
        var next = state;
        if (result.Up)
        {
            successes++;
            failures = 0;
            if (state == HealthState.Unknown || (state == HealthState.Down && successes >= policy.Rise))
            {
                next = HealthState.Up;
            }
        }
        else
        {
            failures++;
            successes = 0;
            if (state == HealthState.Unknown || (state == HealthState.Up && failures >= policy.Fall))
            {
                next = HealthState.Down;
            }
        }

        var change = HealthChange.None;
        if (next != state)
        {
            if (state != HealthState.Unknown)
            {
                flaps++;
            }

            state = next;
            since = at;
            change |= HealthChange.State;
        }

        // Weight follows the latest good result (no hysteresis: the agent or script is authoritative);
        // a good result without a weight restores the configured one.
        if (result.Up && result.Weight != weight)
        {
            weight = result.Weight;
            if (state == HealthState.Up)
            {
                change |= HealthChange.Weight;
            }
        }

        return change;
    }

    public HealthSnapshot Snapshot() => new(state, weight, lastResult, lastChecked, since, flaps, successes, failures, results);
}
