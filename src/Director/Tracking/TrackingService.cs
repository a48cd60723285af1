using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Kernel;
using HaDirector.Director.Metrics;
using HaDirector.Director.Vrrp;
using HaDirector.Vrrp.Tracking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Tracking;

/// <summary>
/// Runs every <c>vrrp.trackers[]</c> entry once, however many instances track it, and answers for each instance what
/// they make of its priority (<see cref="Evaluate"/>). A change of any reading raises <see cref="Changed"/> on the
/// tracker's thread; the VRRP service re-evaluates its instances at once. A reload keeps trackers whose definition
/// did not change (their state and counters) and replaces the others.
/// </summary>
public sealed partial class TrackingService : IInstanceTracking, IHostedService, IAsyncDisposable
{
    private readonly IHostKernel _kernel;
    private readonly ICommandRunner _runner;
    private readonly Func<string, int> _realServersUp;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _procRoot;
    private readonly TrackingMetrics? _metrics;
    private readonly Lock _gate = new();
    private Dictionary<string, Tracker> _trackers = new(StringComparer.Ordinal);
    private bool _started;
    private DirectorConfig _config;
    private TableTracker? _table;

    /// <param name="realServersUp">How many real servers of a virtual server (by name) are up now.</param>
    /// <param name="procRoot">Where process trackers look for processes (tests give a fake /proc).</param>
    public TrackingService(DirectorConfig config, IHostKernel kernel, ICommandRunner runner, Func<string, int> realServersUp,
        TimeProvider time, ILogger<TrackingService> logger, string procRoot = "/proc", TrackingMetrics? metrics = null)
    {
        _metrics = metrics;
        _kernel = kernel;
        _runner = runner;
        _realServersUp = realServersUp;
        _time = time;
        _logger = logger;
        _procRoot = procRoot;
        _config = config;
        // The first readings now: the VRRP service starts its instances on them.
        foreach (var tracker in config.Vrrp.Trackers)
        {
            _trackers[tracker.Name] = Create(tracker);
        }
    }

    public event Action? Changed;

    /// <summary>
    /// Adds the implicit tracker of the IPVS table (see <see cref="TableTracker"/>), followed by every instance with
    /// virtual servers. Before <see cref="StartAsync"/>.
    /// </summary>
    public void TrackTable(Func<IpvsReconcilerStatus> status)
    {
        _table = new TableTracker(status, _time);
        _table.Changed += OnChanged;
    }

    public TrackingVerdict Evaluate(VrrpInstanceConfig instance)
    {
        Dictionary<string, Tracker> trackers;
        lock (_gate)
        {
            trackers = _trackers;
        }

        var table = _table is { } t && ForwardsFor(instance) ? t : null;
        var readings = new TrackedBy[instance.Track.Count + (table is null ? 0 : 1)];
        for (var i = 0; i < instance.Track.Count; i++)
        {
            var track = instance.Track[i];
            readings[i] = new TrackedBy(track.Tracker, track.Weight,
                trackers.TryGetValue(track.Tracker, out var tracker) ? tracker.Reading : TrackerReading.Healthy);
        }

        if (table is not null)
        {
            readings[^1] = new TrackedBy(TableTracker.TrackerName, instance.TableFailureWeight, table.Reading);
        }

        return TrackingPolicy.Evaluate((byte)instance.Priority, readings);
    }

    /// <summary>Every tracker's state now, in configuration order (the IPVS table's last).</summary>
    public IReadOnlyList<TrackerStatus> Snapshot()
    {
        lock (_gate)
        {
            return [.. _trackers.Values.Append(_table).OfType<Tracker>().Select(t => new TrackerStatus(t.Name, t.Config.Type, t.Reading, t.Detail, t.Since))];
        }
    }

    /// <summary>Whether the instance has virtual servers: its VIPs carry traffic only the IPVS table forwards.</summary>
    private bool ForwardsFor(VrrpInstanceConfig instance)
    {
        var config = Volatile.Read(ref _config);
        return config.VirtualServers.Any(v => v.Vip is { } vip && instance.HeldAddresses.Any(a => a.Address.Equals(vip)));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _started = true;
            foreach (var tracker in _trackers.Values)
            {
                tracker.Start();
            }

            _table?.Start();
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, Tracker> trackers;
        lock (_gate)
        {
            trackers = _trackers;
            _trackers = new(StringComparer.Ordinal);
        }

        foreach (var tracker in trackers.Values)
        {
            await tracker.DisposeAsync();
        }

        if (_table is { } table)
        {
            await table.DisposeAsync();
        }
    }

    /// <summary>A reload: unchanged trackers run on; new and changed ones start; removed ones stop. Then instances re-evaluate.</summary>
    public async Task ReconfigureAsync(DirectorConfig next)
    {
        var retired = new List<Tracker>();
        lock (_gate)
        {
            var fresh = new Dictionary<string, Tracker>(StringComparer.Ordinal);
            foreach (var config in next.Vrrp.Trackers)
            {
                if (_trackers.TryGetValue(config.Name, out var running) && running.Config == config)
                {
                    fresh[config.Name] = running;
                    continue;
                }

                var tracker = Create(config);
                if (_started)
                {
                    tracker.Start();
                }

                fresh[config.Name] = tracker;
            }

            Volatile.Write(ref _config, next);
            retired.AddRange(_trackers.Values.Where(t => !fresh.TryGetValue(t.Name, out var kept) || !ReferenceEquals(kept, t)));
            _trackers = fresh;
        }

        foreach (var tracker in retired)
        {
            await tracker.DisposeAsync();
            if (!next.Vrrp.Trackers.Any(t => t.Name == tracker.Name))
            {
                _metrics?.TrackerUp.RemoveLabelled(tracker.Name);
            }
        }

        Changed?.Invoke();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private Tracker Create(TrackerConfig config)
    {
        Tracker tracker = config.Type switch
        {
            TrackerType.Interface => new InterfaceTracker(config, _kernel.Links, _time),
            TrackerType.Script => new ScriptTracker(config, _runner, _time),
            TrackerType.File => new FileTracker(config, _time),
            TrackerType.Process => new ProcessTracker(config, _time, _procRoot),
            TrackerType.VirtualServer => new VirtualServerTracker(config, _realServersUp, _time),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Type, "unknown tracker type"),
        };
        tracker.Changed += OnChanged;
        _metrics?.TrackerUp.WithLabels(config.Name).Set(tracker.Reading.Up ? 1 : 0);
        LogTracker(_logger, config.Name, config.Type, tracker.Reading);
        return tracker;
    }

    private void OnChanged(Tracker tracker)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(tracker, _table) && (!_trackers.TryGetValue(tracker.Name, out var current) || !ReferenceEquals(current, tracker)))
            {
                return; // replaced by a reload meanwhile
            }
        }

        _metrics?.TrackerUp.WithLabels(tracker.Name).Set(tracker.Reading.Up ? 1 : 0);

        // Before the election hears it: the log shows the cause ahead of the transition it makes.
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            LogChanged(_logger, tracker.Name, tracker.Reading, tracker.Detail ?? "");
        }

        Changed?.Invoke();
    }

    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "tracker {Tracker} ({Type}): {Reading}")]
    private static partial void LogTracker(ILogger logger, string tracker, TrackerType type, TrackerReading reading);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "tracker {Tracker}: now {Reading} ({Detail})")]
    private static partial void LogChanged(ILogger logger, string tracker, TrackerReading reading, string detail);
}
