using HaDirector.Director.Configuration;
using HaDirector.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// Health-only passes: when the only input that changed since a clean full pass is the health of some real
/// servers, a requested pass dumps and plans only their services (one destination dump each) instead of
/// the whole table. A weight change then costs one small dump and one SET_DEST, not a dump of every service
/// (1,001 dumps at 1,000 services). Full passes still run on every other change, on explicit
/// <see cref="ReconcileAsync"/> calls, after any failed edit, and whenever the last full pass is older
/// than half the reconcile period, so drift repair keeps its period.
/// </summary>
public sealed partial class IpvsReconciler
{
    /// <summary>More changed services than this and one full pass is about as cheap.</summary>
    private const int MaxTargetedServices = 64;

    // Under _gate. Services whose real servers' health changed since the last pass started.
    private readonly HashSet<ServiceKey> _healthChanged = [];

    // Under _gate. What the last full pass saw, when it was clean; null forces a full pass.
    private PassInputs? _lastInputs;
    private long _lastFullPassAt;
    private (IReadOnlyList<VirtualServerConfig> Source, Dictionary<ServiceKey, VirtualServerConfig> ByKey)? _configByKey;

    /// <summary>The inputs besides health that decide a pass's target; a change in any forces a full pass.</summary>
    private sealed record PassInputs(
        IReadOnlyList<VirtualServerConfig> VirtualServers,
        IpvsConfig Ipvs,
        IpvsRole DefaultRole,
        KeyValuePair<ServiceKey, IpvsRole>[] Roles,
        DrainTarget[] Drains);

    /// <summary>Under <see cref="_gate"/>, at the start of a full pass.</summary>
    private PassInputs CaptureInputs()
    {
        _healthChanged.Clear();
        return new PassInputs(_virtualServers, _ipvs, _defaultRole, [.. _roles], [.. _drains]);
    }

    /// <summary>Under <see cref="_gate"/>: the other inputs are those of the last clean full pass.</summary>
    private bool InputsUnchanged()
    {
        if (_lastInputs is not { } last || _retired.Count > 0
            || !ReferenceEquals(last.VirtualServers, _virtualServers) || !ReferenceEquals(last.Ipvs, _ipvs)
            || last.DefaultRole != _defaultRole || last.Roles.Length != _roles.Count || last.Drains.Length != _drains.Count)
        {
            return false;
        }

        foreach (var (key, role) in last.Roles)
        {
            if (!_roles.TryGetValue(key, out var now) || now != role)
            {
                return false;
            }
        }

        return last.Drains.All(_drains.Contains);
    }

    /// <summary>
    /// Runs a health-only pass if it can (the caller holds <see cref="_passGate"/>); false means a full
    /// pass is needed.
    /// </summary>
    private bool TryRunTargetedPass()
    {
        var wanted = new List<DesiredService>();
        lock (_gate)
        {
            if (_healthChanged.Count == 0 || _healthChanged.Count > MaxTargetedServices || !InputsUnchanged()
                || _time.GetElapsedTime(_lastFullPassAt) >= _ipvs.ReconcilePeriod / 2)
            {
                return false;
            }

            var byKey = ConfigByKey();
            var configs = new List<VirtualServerConfig>(_healthChanged.Count);
            foreach (var key in _healthChanged)
            {
                // Only services held in the kernel: a standby or starting service's health is applied (or
                // not) by the next full pass, which knows whether the service is there.
                if (byKey.TryGetValue(key, out var config) && (_ipvs.WarmStandby || CurrentRole(key) == IpvsRole.Active))
                {
                    configs.Add(config);
                }
            }

            _healthChanged.Clear();
            wanted.AddRange(DesiredTable.Build(configs, _health, _drains).Services);
        }

        var started = _time.GetTimestamp();
        var status = Status;
        var kernel = new List<KernelService>(wanted.Count);
        try
        {
            foreach (var service in wanted)
            {
                // The last full pass left the service with these settings (health never changes them); if it
                // was deleted by hand meanwhile, the destination dump is empty and the adds fail, which
                // makes the next pass a full one.
                kernel.Add(new KernelService(new IpvsServiceEntry(service.Service, IpvsStats.Empty), _kernel.GetDestinations(service.Service)));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDumpFailed(_logger, ex);
            lock (_gate)
            {
                _lastInputs = null;
            }

            Publish(status with { Passes = status.Passes + 1, FailedPasses = status.FailedPasses + 1, LastPassAt = _time.GetUtcNow() });
            RequestReconcile();
            return true;
        }

        var plan = IpvsPlanner.Plan(new DesiredTable(wanted), new KernelTable(kernel), wanted.Select(s => s.Key).ToHashSet());
        var failed = Execute(plan, out var batchFailed);
        var duration = _time.GetElapsedTime(started);
        if (failed > 0 || batchFailed)
        {
            lock (_gate)
            {
                _lastInputs = null;
            }

            RequestReconcile();
        }

        if (!plan.IsEmpty)
        {
            var destinations = kernel.Sum(s => s.Destinations.Count);
            LogPassApplied(_logger, status.Role, plan.Operations.Count, failed, duration.TotalMilliseconds, kernel.Count, destinations);
        }

        Publish(Applied(status, plan, failed, batchFailed, duration) with { LastDump = Merge(status.LastDump, kernel) });
        return true;
    }

    /// <summary>Under <see cref="_gate"/>: configured services by kernel key, rebuilt when the configuration changes.</summary>
    private Dictionary<ServiceKey, VirtualServerConfig> ConfigByKey()
    {
        if (_configByKey is { } cached && ReferenceEquals(cached.Source, _virtualServers))
        {
            return cached.ByKey;
        }

        var byKey = new Dictionary<ServiceKey, VirtualServerConfig>(_virtualServers.Count);
        foreach (var virtualServer in _virtualServers)
        {
            byKey.TryAdd(ServiceKey.Of(ServiceMapping.ToService(virtualServer)), virtualServer);
        }

        _configByKey = (_virtualServers, byKey);
        return byKey;
    }

    /// <summary>The last full dump with the freshly dumped services' destinations in place (their counters kept).</summary>
    private static KernelTable Merge(KernelTable last, List<KernelService> fresh)
    {
        var byKey = fresh.ToDictionary(s => s.Key);
        return new KernelTable([.. last.Services.Select(s => byKey.TryGetValue(s.Key, out var f) ? new KernelService(s.Entry, f.Destinations) : s)]);
    }
}
