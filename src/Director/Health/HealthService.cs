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
/// Checks every real server of every virtual server (one target per pair) and hands the sink a verdict
/// only when it changes: the fall-th failure costs one policy step and one <see cref="IRealServerHealthSink.SetHealth"/>.
/// A reload is a diff: pairs whose check and address did not change keep their state and schedule.
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
    /// their verdict is withdrawn, and a pair whose check changed starts afresh but keeps its last verdict
    /// until the new check's first result, so a server known dead does not come back for one interval.
    /// </summary>
    public void Reconfigure(DirectorConfig config)
    {
        lock (_gate)
        {
            var next = new Dictionary<RealServerId, RealServerCheck>(_checks.Count);
            var (added, kept, replaced) = (0, 0, 0);
            foreach (var virtualServer in config.VirtualServers)
            {
                if (virtualServer.HealthCheck.Type == HealthCheckType.None)
                {
                    continue;
                }

                var serviceKey = ServiceKey.Of(ServiceMapping.ToService(virtualServer));
                foreach (var realServer in virtualServer.RealServers)
                {
                    var id = new RealServerId(serviceKey, DestinationKey.Of(ServiceMapping.ToDestination(virtualServer, realServer)));
                    if (next.ContainsKey(id))
                    {
                        continue;
                    }

                    _checks.Remove(id, out var old);
                    if (old is not null && old.Config == virtualServer.HealthCheck && old.VirtualServer == virtualServer.Name)
                    {
                        Reweigh(old, realServer);
                        next[id] = old;
                        kept++;
                        continue;
                    }

                    var inherited = old is null ? null : Retire(old);
                    if (_createProbe(virtualServer.HealthCheck, realServer) is not { } probe)
                    {
                        continue;
                    }

                    var check = new RealServerCheck(virtualServer, realServer, id, probe, inherited, _metrics);
                    next[id] = check;
                    _scheduler.Add(check.Target);
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
            var check = current[i];
            var s = check.Target.Snapshot();
            RealServerHealth? verdict;
            int weight;
            lock (check)
            {
                verdict = check.Sent;
                weight = HealthVerdict.EffectiveWeight(verdict, check.RealServer.Weight);
            }

            statuses[i] = new RealServerHealthStatus(
                check.VirtualServer, check.Id, s.State, weight, verdict, s.LastResult?.Up, s.LastResult?.Reason, s.LastResult?.Latency, s.LastChecked, s.Since, s.Flaps);
        }

        return statuses;
    }

    void IHealthObserver.OnChecked(HealthTarget target, in ProbeResult result, HealthChange change, in HealthSnapshot snapshot)
    {
        var check = (RealServerCheck)target.Tag!;
        check.Count(result);
        if (change == HealthChange.None)
        {
            return;
        }

        lock (check)
        {
            if (check.Retired)
            {
                return;
            }

            PublishLocked(check, snapshot);
        }

        if ((change & HealthChange.State) != 0)
        {
            LogStateChanged(_logger, check.Id.Destination, check.VirtualServer, snapshot.State, result.Reason, result.Latency.TotalMilliseconds);
            _options.StateChanged?.Invoke(check.VirtualServer, check.RealServer, snapshot.State);
        }
        else
        {
            LogWeightChanged(_logger, check.Id.Destination, check.VirtualServer, snapshot.Weight, result.Reason);
        }
    }

    /// <summary>A reload that changes only the configured weight: a percentage applies to the new one at once.</summary>
    private void Reweigh(RealServerCheck check, RealServerConfig realServer)
    {
        lock (check)
        {
            // The snapshot is read under the check's lock: one read before it could be older than a result
            // published meanwhile, and would then be refused as stale along with the new weight.
            check.RealServer = realServer;
            PublishLocked(check, check.Target.Snapshot());
        }
    }

    /// <summary>
    /// Under the check's lock, so verdicts of one real server reach the sink in order and never after a
    /// reload retired it: hands on the verdict if it changed, and updates the gauges. A snapshot older than
    /// the last one applied (by its result count) is dropped: state never goes back in time.
    /// </summary>
    private void PublishLocked(RealServerCheck check, in HealthSnapshot snapshot)
    {
        if (snapshot.Results < check.Applied)
        {
            return;
        }

        check.Applied = snapshot.Results;
        var verdict = HealthVerdict.Of(snapshot.State, snapshot.Weight, check.Config.OnFailure, check.RealServer.Weight);
        if (verdict != check.Sent)
        {
            check.Sent = verdict;
            _sink.SetHealth(check.Id, verdict);
        }

        check.Show(snapshot.State, verdict, snapshot.Flaps - check.FlapsSeen);
        check.FlapsSeen = snapshot.Flaps;
    }

    /// <returns>The verdict it had handed to the sink.</returns>
    private RealServerHealth? Retire(RealServerCheck check)
    {
        _scheduler.Remove(check.Target);
        check.Forget();
        lock (check)
        {
            check.Retired = true;
            return check.Sent;
        }
    }
}
