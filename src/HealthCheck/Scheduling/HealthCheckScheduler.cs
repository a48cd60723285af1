using HaDirector.HealthCheck.Probes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// Runs every target's checks by one set of timing rules (<see cref="RoundBook"/>): interval grid, timeout, retry
/// with its delay, a random first round, one round per target from start to report. Targets whose probe names a
/// <see cref="RoundEngine"/> run on that engine's thread (half-open SYNs, plain connects); the others on one timer
/// of this scheduler's clock; at most <c>maxConcurrency</c> probes or connects are in flight in each. No thread,
/// task loop or timer per target.
/// </summary>
public sealed partial class HealthCheckScheduler : IAsyncDisposable
{
    private readonly Random _random;
    private readonly LaneContext _context;
    private readonly ProbeRounds _probes;
    private readonly Dictionary<RoundEngine, IRoundLane> _engines = [];
    private readonly Lock _gate = new();
    private bool _started;
    private bool _stopped;
    private int _count;

    /// <param name="random">Spreads first checks over one interval; pass a seeded one in tests.</param>
    /// <param name="resolution">
    /// A lane passes at most this often (default 10 ms) and then starts every round that came due: with ten
    /// thousand targets at random offsets it would otherwise wake ten thousand times a second. A round starts up
    /// to this much late; its schedule does not drift.
    /// </param>
    public HealthCheckScheduler(
        TimeProvider time, IHealthObserver observer, int maxConcurrency = 1024, Random? random = null, ILogger? logger = null, TimeSpan? resolution = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        var every = resolution ?? TimeSpan.FromMilliseconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThan(every, TimeSpan.Zero);
        _random = random ?? Random.Shared;
        _context = new LaneContext(time, observer, logger ?? NullLogger.Instance, every, time.GetTimestamp(), maxConcurrency);
        _probes = new ProbeRounds(_context);
    }

    /// <summary>Targets scheduled now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Probes the scheduler started that are in flight now (never above the concurrency limit).</summary>
    public int Running => _probes.Running;

    /// <summary>Rounds that came due and are not yet finished and rescheduled: 0 when all wait for their time.</summary>
    public int InProgress
    {
        get
        {
            var total = _probes.InProgress;
            foreach (var lane in Lanes())
            {
                total += lane.InProgress;
            }

            return total;
        }
    }

    public void Start()
    {
        IRoundLane[] lanes;
        lock (_gate)
        {
            if (_started || _stopped)
            {
                return;
            }

            _started = true;
            lanes = [.. _engines.Values];
        }

        _probes.Start();
        foreach (var lane in lanes)
        {
            lane.Start();
        }
    }

    /// <summary>
    /// First check at a random point within one interval, so a thousand targets added together do not fire
    /// together. A target is added once; after <see cref="Remove"/>, make a new one.
    /// </summary>
    public void Add(HealthTarget target)
    {
        IRoundLane lane = _probes;
        bool startLane = false;
        TimeSpan at;
        lock (_gate)
        {
            if (target.Added)
            {
                throw new InvalidOperationException($"{target} was already added to a scheduler");
            }

            target.Added = true;
            Interlocked.Increment(ref _count);
            at = _context.Time.GetElapsedTime(_context.Epoch) + (target.Timing.Interval * _random.NextDouble());
            if (target.Probe.Engine is { } engine)
            {
                if (!_engines.TryGetValue(engine, out var existing))
                {
                    existing = engine.OpenLane(_context);
                    _engines.Add(engine, existing);
                    startLane = _started && !_stopped;
                }

                lane = existing;
            }
        }

        lane.Add(target, at);
        if (startLane)
        {
            lane.Start();
        }
    }

    /// <summary>The target's next round is dropped when it comes due; a round in flight finishes unreported.</summary>
    public void Remove(HealthTarget target)
    {
        lock (_gate)
        {
            if (!target.Removed)
            {
                target.Removed = true;
                Interlocked.Decrement(ref _count);
            }
        }
    }

    /// <summary>Stops every lane: attempts in flight are abandoned (cancelled), and nothing is reported after. Safe to call twice.</summary>
    public async Task StopAsync()
    {
        lock (_gate)
        {
            _stopped = true;
        }

        await _probes.StopAsync();
        foreach (var lane in Lanes())
        {
            await lane.StopAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private IRoundLane[] Lanes()
    {
        lock (_gate)
        {
            return [.. _engines.Values];
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "health checks are running behind (a timeout was looked at {BehindMs:F0} ms late): {Graced} checks given one more timeout instead of failing since the last line (one a minute)")]
    internal static partial void LogBehind(ILogger logger, double behindMs, int graced);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Error, Message = "health check round failed for {Target}")]
    internal static partial void LogObserverFailed(ILogger logger, string target, Exception error);
}
