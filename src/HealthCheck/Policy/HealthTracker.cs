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
    private HealthState _state;
    private WeightReport _weight;
    private ProbeResult? _lastResult;
    private DateTimeOffset? _lastChecked;
    private DateTimeOffset? _since;
    private long _flaps;
    private long _results;
    private int _successes;
    private int _failures;

    public HealthPolicy Policy => policy;

    public HealthState State => _state;

    /// <summary>The weight a good result asked for; none when it did not ask.</summary>
    public WeightReport Weight => _weight;

    public HealthChange Record(in ProbeResult result, DateTimeOffset at)
    {
        _results++;
        _lastResult = result;
        _lastChecked = at;
        var next = _state;
        if (result.Up)
        {
            _successes++;
            _failures = 0;
            if (_state == HealthState.Unknown || (_state == HealthState.Down && _successes >= policy.Rise))
            {
                next = HealthState.Up;
            }
        }
        else
        {
            _failures++;
            _successes = 0;
            if (_state == HealthState.Unknown || (_state == HealthState.Up && _failures >= policy.Fall))
            {
                next = HealthState.Down;
            }
        }

        var change = HealthChange.None;
        if (next != _state)
        {
            if (_state != HealthState.Unknown)
            {
                _flaps++;
            }

            _state = next;
            _since = at;
            change |= HealthChange.State;
        }

        // Weight follows the latest good result (no hysteresis: the agent or script is authoritative);
        // a good result without a weight restores the configured one.
        if (result.Up && result.Weight != _weight)
        {
            _weight = result.Weight;
            if (_state == HealthState.Up)
            {
                change |= HealthChange.Weight;
            }
        }

        return change;
    }

    public HealthSnapshot Snapshot() => new(_state, _weight, _lastResult, _lastChecked, _since, _flaps, _successes, _failures, _results);
}
