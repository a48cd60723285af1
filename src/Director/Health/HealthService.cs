using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Metrics;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Health;

/// <summary>
/// Checks every real server of every virtual server (one target per check of each pair: the service's one check,
/// or the server's own list, all of which must pass) and hands the sink a verdict only when it changes: the fall-th
/// failure costs one policy step and one <see cref="IRealServerHealthSink.SetHealth"/>.
/// A reload is a diff: pairs whose checks and address did not change keep their state and schedule.
/// </summary>
public sealed partial class HealthService : IHostedService, IHealthObserver, IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger<HealthService> _logger;
    private readonly IRealServerHealthSink _sink;
    private readonly HealthMetrics? _metrics;
    private readonly HealthServiceOptions _options;
    private readonly HealthCheckScheduler _scheduler;
    private readonly ProbeFactory? _ownProbes;
    private readonly Func<HealthCheckConfig, RealServerConfig, IProbe?> _createProbe;
    private readonly Lock _gate = new();
    private Dictionary<RealServerId, RealServerCheck> _checks = [];

    public HealthService(
        DirectorConfig config,
        TimeProvider time,
        ILogger<HealthService> logger,
        IRealServerHealthSink sink,
        HealthMetrics? metrics = null,
        HealthServiceOptions? options = null)
    {
        _time = time;
        _logger = logger;
        _sink = sink;
        _metrics = metrics;
        _options = options ?? new HealthServiceOptions();
        _scheduler = new HealthCheckScheduler(time, this, _options.MaxConcurrency, _options.Random, logger);
        if (_options.ProbeFactory is { } given)
        {
            _createProbe = given;
        }
        else
        {
            _ownProbes = new ProbeFactory();
            _createProbe = _ownProbes.Create;
        }

        Reconfigure(config);
    }

    /// <summary>Real servers under check now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _checks.Count;
            }
        }
    }

    /// <summary>Rounds running or about to report; tests wait for 0 after moving a fake clock.</summary>
    internal int InProgress => _scheduler.InProgress;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _scheduler.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _scheduler.StopAsync();

    /// <summary>Stops the checks, then the engines they ran on.</summary>
    public async ValueTask DisposeAsync()
    {
        await _scheduler.DisposeAsync();
        _ownProbes?.Dispose();
    }

    /// <summary>
    /// Applies a reloaded configuration: new pairs start (unknown, at a random offset), dropped ones stop and
    /// their verdict is withdrawn, and a pair whose checks changed starts them all afresh but keeps its last verdict
    /// until the new checks decide, so a server known dead does not come back for one interval.
    /// </summary>
    public void Reconfigure(DirectorConfig config)
    {
        lock (_gate)
        {
            var next = new Dictionary<RealServerId, RealServerCheck>(_checks.Count);
            var (added, kept, replaced) = (0, 0, 0);
            foreach (var virtualServer in config.VirtualServers)
            {
                ValueList<HealthCheckConfig> serviceChecks = [virtualServer.HealthCheck];
                var serviceKey = ServiceKey.Of(ServiceMapping.ToService(virtualServer));
                foreach (var realServer in virtualServer.RealServers)
                {
                    var checks = realServer.HealthChecks ?? serviceChecks;
                    var onFailure = realServer.OnFailure ?? virtualServer.HealthCheck.OnFailure;
                    if (!checks.Any(c => c.Type != HealthCheckType.None))
                    {
                        continue;
                    }

                    var id = new RealServerId(serviceKey, DestinationKey.Of(ServiceMapping.ToDestination(virtualServer, realServer)));
                    if (next.ContainsKey(id))
                    {
                        continue;
                    }

                    _checks.Remove(id, out var old);
                    if (old is not null && old.Checks.Equals(checks) && old.OnFailure == onFailure && old.VirtualServer == virtualServer.Name)
                    {
                        Reweigh(old, realServer);
                        next[id] = old;
                        kept++;
                        continue;
                    }

                    var inherited = old is null ? null : Retire(old);
                    var check = new RealServerCheck(virtualServer, realServer, id, checks, onFailure, c => _createProbe(c, realServer), inherited, _metrics);
                    if (check.Parts.Length == 0)
                    {
                        continue;
                    }

                    next[id] = check;
                    foreach (var part in check.Parts)
                    {
                        _scheduler.Add(part.Target);
                    }

                    _ = old is null ? added++ : replaced++;
                }
            }

            foreach (var old in _checks.Values)
            {
                if (Retire(old) is not null)
                {
                    _sink.SetHealth(old.Id, null);
                }
            }

            LogReconfigured(_logger, added, replaced, _checks.Count, kept);
            _checks = next;
        }
    }

    /// <summary>Every checked real server, for <c>hadirector status</c>.</summary>
    public IReadOnlyList<RealServerHealthStatus> Snapshot()
    {
        RealServerCheck[] current;
        lock (_gate)
        {
            current = [.. _checks.Values];
        }

        var statuses = new RealServerHealthStatus[current.Length];
        for (var i = 0; i < current.Length; i++)
        {
            statuses[i] = Status(current[i]);
        }

        return statuses;
    }

    void IHealthObserver.OnChecked(HealthTarget target, in ProbeResult result, HealthChange change, in HealthSnapshot snapshot)
    {
        var part = (CheckPart)target.Tag!;
        var check = part.Owner;
        check.Count(result);
        if (change == HealthChange.None)
        {
            return;
        }

        HealthChange combined;
        HealthState state;
        WeightReport weight;
        lock (check)
        {
            if (check.Retired)
            {
                return;
            }

            Apply(part, snapshot);
            combined = PublishLocked(check);
            (state, weight) = (check.State, CombinedHealth.Weight(Lasts(check), check.RealServer.Weight));
        }

        var reason = check.Several ? $"{part.Label}: {result.Reason}" : result.Reason;
        if (check.Several && (change & HealthChange.State) != 0)
        {
            LogCheckStateChanged(_logger, part.Label, check.Id.Destination, check.VirtualServer, snapshot.State, result.Reason);
        }

        if ((combined & HealthChange.State) != 0)
        {
            LogStateChanged(_logger, check.Id.Destination, check.VirtualServer, state, reason, result.Latency.TotalMilliseconds);
            _options.StateChanged?.Invoke(check.VirtualServer, check.RealServer, state);
        }
        else if ((combined & HealthChange.Weight) != 0)
        {
            LogWeightChanged(_logger, check.Id.Destination, check.VirtualServer, weight, reason);
        }
    }

    /// <summary>A reload that changes only the configured weight: a percentage applies to the new one at once.</summary>
    private void Reweigh(RealServerCheck check, RealServerConfig realServer)
    {
        lock (check)
        {
            // The snapshots are read under the check's lock: one read before it could be older than a result
            // published meanwhile, and would then be refused as stale along with the new weight.
            check.RealServer = realServer;
            foreach (var part in check.Parts)
            {
                Apply(part, part.Target.Snapshot());
            }

            PublishLocked(check);
        }
    }

    /// <summary>Under the owner's lock: takes a check's snapshot unless an older one than already applied (by its result count).</summary>
    private static void Apply(CheckPart part, in HealthSnapshot snapshot)
    {
        if (snapshot.Results < part.Applied)
        {
            return;
        }

        part.Applied = snapshot.Results;
        part.Last = snapshot;
        part.Show(snapshot.State);
    }

    private static HealthSnapshot[] Lasts(RealServerCheck check) => [.. check.Parts.Select(p => p.Last)];

    /// <summary>
    /// Under the check's lock, so verdicts of one real server reach the sink in order and never after a
    /// reload retired it: works out the server's health from its checks' last snapshots, hands on the verdict
    /// if it changed, and updates the gauges.
    /// </summary>
    /// <returns>What changed of the server's health (its state, or the weight it is up with).</returns>
    private HealthChange PublishLocked(RealServerCheck check)
    {
        var lasts = Lasts(check);
        var state = CombinedHealth.State(lasts);
        var weight = CombinedHealth.Weight(lasts, check.RealServer.Weight);
        var change = HealthChange.None;
        if (state != check.State)
        {
            change |= HealthChange.State;
            check.State = state;
            // The latest result is the one that changed it.
            check.Since = lasts.Max(l => l.LastChecked);
            if (state != HealthState.Unknown)
            {
                check.Flaps += check.LastKnown != HealthState.Unknown && check.LastKnown != state ? 1 : 0;
                check.LastKnown = state;
            }
        }

        if (state != HealthState.Unknown)
        {
            check.Inheriting = false;
        }

        if (!check.Inheriting)
        {
            var verdict = HealthVerdict.Of(state, weight, check.OnFailure, check.RealServer.Weight);
            if (verdict != check.Sent)
            {
                change |= state == HealthState.Up ? HealthChange.Weight : HealthChange.None;
                check.Sent = verdict;
                _sink.SetHealth(check.Id, verdict);
            }
        }

        check.Show(state, check.Sent, check.Flaps - check.FlapsSeen);
        check.FlapsSeen = check.Flaps;
        return change;
    }

    private static RealServerHealthStatus Status(RealServerCheck check)
    {
        var parts = new CheckHealthStatus[check.Parts.Length];
        var snapshots = new HealthSnapshot[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var s = snapshots[i] = check.Parts[i].Target.Snapshot();
            parts[i] = new CheckHealthStatus(check.Parts[i].Label, s.State, s.LastResult?.Up, s.LastResult?.Reason, s.LastResult?.Latency, s.LastChecked, s.Since);
        }

        RealServerHealth? verdict;
        int weight;
        DateTimeOffset? since;
        long flaps;
        lock (check)
        {
            verdict = check.Sent;
            weight = HealthVerdict.EffectiveWeight(verdict, check.RealServer.Weight);
            (since, flaps) = (check.Since, check.Flaps);
        }

        if (!check.Several)
        {
            var s = snapshots[0];
            return new RealServerHealthStatus(
                check.VirtualServer, check.Id, s.State, weight, verdict, s.LastResult?.Up, s.LastResult?.Reason, s.LastResult?.Latency, s.LastChecked, s.Since, s.Flaps, parts);
        }

        // The server's reason is a failing check's, else the latest check's.
        var state = CombinedHealth.State(snapshots);
        var shown = Array.FindIndex(parts, p => p.State == HealthState.Down);
        if (shown < 0)
        {
            shown = Array.IndexOf(parts, parts.MaxBy(p => p.LastChecked));
        }

        var part = parts[shown];
        return new RealServerHealthStatus(
            check.VirtualServer,
            check.Id,
            state,
            weight,
            verdict,
            part.LastResultUp,
            part.Reason is null ? null : $"{part.Check}: {part.Reason}",
            part.Latency,
            parts.Max(p => p.LastChecked),
            since,
            flaps,
            parts);
    }

    /// <returns>The verdict it had handed to the sink.</returns>
    private RealServerHealth? Retire(RealServerCheck check)
    {
        foreach (var part in check.Parts)
        {
            _scheduler.Remove(part.Target);
        }

        check.Forget();
        lock (check)
        {
            check.Retired = true;
            return check.Sent;
        }
    }
}
