using HaDirector.Director.Configuration;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// Health-only passes: when the only inputs that changed since a clean full pass are the health or drains of
/// some real servers, a pass plans only their services instead of the whole table. A weight change then
/// costs one SET_DEST, not a dump of every service (1,001 dumps at 1,000 services). Such a pass runs on the
/// caller's thread when the reconciler is idle (no hop to a worker), and plans against what the last clean
/// pass left in the kernel, so it needs no dump either; a destination or service deleted by hand since then
/// makes its edit fail, which forces a full pass. Full passes still run on every other change, on explicit
/// <see cref="ReconcileAsync"/> calls, after any failed edit, and whenever the last full pass is older
/// than half the reconcile period, so drift repair keeps its period.
/// </summary>
public sealed partial class IpvsReconciler
{
    /// <summary>More changed services than this and one full pass is about as cheap.</summary>
    private const int MaxTargetedServices = 64;

    // Under _gate. Services whose real servers' health or drains changed since the last pass started.
    private readonly HashSet<ServiceKey> _healthChanged = [];

    // Under _passGate. What the last clean passes left in the kernel: the full pass's target, then the
    // services targeted passes wrote since. Null after any failure: the next pass dumps.
    private DesiredTable? _knownTarget;
    private readonly Dictionary<ServiceKey, DesiredService> _knownSince = [];

    // Under _gate. What the last full pass saw, when it was clean; null forces a full pass.
    private PassInputs? _lastInputs;
    private long _lastFullPassAt;
    private (IReadOnlyList<VirtualServerConfig> Source, Dictionary<ServiceKey, VirtualServerConfig> ByKey)? _configByKey;

    // Not Array.Empty: a generic method over a struct of ours is JIT-compiled at its first call, and the first pass runs with no roles.
#pragma warning disable CA1825
    private static readonly KeyValuePair<ServiceKey, IpvsRole>[] NoRoles = new KeyValuePair<ServiceKey, IpvsRole>[0];
#pragma warning restore CA1825

    /// <summary>The inputs besides health that decide a pass's target; a change in any forces a full pass.</summary>
    private sealed record PassInputs(
        IReadOnlyList<VirtualServerConfig> VirtualServers,
        IpvsConfig Ipvs,
        IpvsRole DefaultRole,
        KeyValuePair<ServiceKey, IpvsRole>[] Roles);

    /// <summary>
    /// After a health or drain change: its targeted pass right here when no pass runs or is queued (the
    /// pass is one service's edit, no dump), else a request to the worker, which coalesces.
    /// </summary>
    private void RunTargetedOrRequest()
    {
        if (TryEnterIdle())
        {
            bool done;
            try
            {
                done = TryRunTargetedPass();
            }
            catch (Exception ex)
            {
                LogPassCrashed(_logger, ex);
                done = false;
            }
            finally
            {
                _passGate.Release();
            }

            if (done)
            {
                return;
            }
        }

        RequestReconcile();
    }

    private bool TryEnterIdle()
    {
        lock (_gate)
        {
            if (_disposed || _workerRunning)
            {
                return false;
            }
        }

        try
        {
            return _passGate.Wait(0);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Under <see cref="_gate"/>, after a drain changed: the services it touches join the targeted set. The
    /// drains are part of the inputs, so the pass that writes these services also takes the new drains in.
    /// </summary>
    private void MarkDrained(DrainTarget target)
    {
        foreach (var (key, virtualServer) in ConfigByKey())
        {
            foreach (var realServer in virtualServer.RealServers)
            {
                if (target.Matches(virtualServer.Name, DestinationKey.Of(ServiceMapping.ToDestination(virtualServer, realServer))))
                {
                    _healthChanged.Add(key);
                    break;
                }
            }
        }
    }

    /// <summary>Under <see cref="_gate"/>, at the start of a full pass.</summary>
    private PassInputs CaptureInputs()
    {
        _healthChanged.Clear();
        return new PassInputs(_virtualServers, _ipvs, _defaultRole, _roles.Count == 0 ? NoRoles : [.. _roles]);
    }

    /// <summary>Under <see cref="_gate"/>: the other inputs are those of the last clean full pass.</summary>
    private bool InputsUnchanged()
    {
        if (_lastInputs is not { } last || _retired.Count > 0
            || !ReferenceEquals(last.VirtualServers, _virtualServers) || !ReferenceEquals(last.Ipvs, _ipvs)
            || last.DefaultRole != _defaultRole || last.Roles.Length != _roles.Count)
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

        // A drain change is targeted too (its services are marked), so the drains are taken as they are now.
        return true;
    }

    /// <summary>
    /// Runs a health-only pass if it can (the caller holds <see cref="_passGate"/>); false means a full
    /// pass is needed.
    /// </summary>
    private bool TryRunTargetedPass()
    {
        List<DesiredService> wanted;
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
            wanted = DesiredTable.BuildServices(configs, _health, _drains);
        }

        var started = _time.GetTimestamp();
        var status = Status;
        var kernel = new List<KernelService>(wanted.Count);
        List<KernelService>? dumped = null;
        var owned = new HashSet<ServiceKey>(wanted.Count);
        try
        {
            foreach (var service in wanted)
            {
                owned.Add(service.Key);
                if (TryGetKnown(service.Key, out var known))
                {
                    kernel.Add(KernelService.Of(known.Service, known.Destinations));
                    continue;
                }

                // The last full pass left the service with these settings (health never changes them); if it
                // was deleted by hand meanwhile, the destination dump is empty and the adds fail, which
                // makes the next pass a full one.
                var fresh = new KernelService(new IpvsServiceEntry(service.Service, IpvsStats.Empty), _kernel.GetDestinations(service.Service));
                kernel.Add(fresh);
                (dumped ??= []).Add(fresh);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDumpFailed(_logger, ex);
            ForgetInputs();
            Publish(status with { Passes = status.Passes + 1, FailedPasses = status.FailedPasses + 1, LastPassAt = _time.GetUtcNow() });
            RequestReconcile();
            return true;
        }

        var plan = IpvsPlanner.Plan(new DesiredTable(wanted), new KernelTable(kernel), owned);
        var failed = Execute(plan, out var batchFailed);
        var duration = _time.GetElapsedTime(started);
        if (failed > 0 || batchFailed)
        {
            ForgetInputs();
            RequestReconcile();
        }
        else if (_knownTarget is not null)
        {
            foreach (var service in wanted)
            {
                _knownSince[service.Key] = service;
            }
        }

        if (!plan.IsEmpty)
        {
            var destinations = 0;
            foreach (var service in kernel)
            {
                destinations += service.Destinations.Count;
            }

            LogPassApplied(_logger, status.Role, plan.Operations.Count, failed, duration.TotalMilliseconds, kernel.Count, destinations);
        }

        var applied = Applied(status, plan, failed, batchFailed, duration);
        Publish(dumped is null ? applied : applied with { LastDump = Merge(status.LastDump, dumped) });
        return true;
    }

    /// <summary>What the last clean passes left of this service in the kernel (the caller holds <see cref="_passGate"/>).</summary>
    private bool TryGetKnown(ServiceKey key, out DesiredService service)
    {
        if (_knownTarget is null)
        {
            service = null!;
            return false;
        }

        return _knownSince.TryGetValue(key, out service!) || _knownTarget.TryGetService(key, out service);
    }

    /// <summary>After a failure: the next requested pass is a full one, with a fresh dump.</summary>
    private void ForgetInputs()
    {
        lock (_gate)
        {
            _lastInputs = null;
        }

        _knownTarget = null;
        _knownSince.Clear();
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
