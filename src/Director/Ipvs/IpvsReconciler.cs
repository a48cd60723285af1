using HaDirector.Director.Configuration;
using HaDirector.Netlink.Interop;
using HaDirector.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// Keeps the kernel's owned IPVS services equal to the desired table: each pass dumps the kernel, plans
/// with <see cref="IpvsPlanner"/> and sends the plan as one pipelined batch. Passes run one at a time,
/// on <see cref="RequestReconcile"/> (coalesced) and every <c>ipvs.reconcilePeriod</c>, so hand edits are
/// repaired and failed edits retried. Never flushes: it touches only the services it owns.
/// </summary>
public sealed partial class IpvsReconciler : IAsyncDisposable
{
    private const int FailuresLoggedPerPass = 20;

    private readonly IIpvsKernel _kernel;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _passGate = new(1, 1);
    private readonly Lock _gate = new();

    // Inputs, under _gate.
    private IReadOnlyList<VirtualServerConfig> _virtualServers = [];
    private IpvsConfig _ipvs = new();
    private HashSet<ServiceKey> _owned = [];
    private readonly HashSet<ServiceKey> _retired = [];
    private readonly Dictionary<RealServerId, RealServerHealth> _health = [];
    private readonly HashSet<DrainTarget> _drains = [];
    private DesiredTable? _desired;
    private IpvsRole _defaultRole = IpvsRole.Starting;
    private readonly Dictionary<ServiceKey, IpvsRole> _roles = [];

    // Request coalescing, under _gate.
    private bool _requested;
    private bool _workerRunning;
    private Task _worker = Task.CompletedTask;
    private ITimer? _timer;
    private bool _disposed;

    private IpvsReconcilerStatus _status = IpvsReconcilerStatus.Initial;
    private int _lastUnownedCount;

    public IpvsReconciler(IIpvsKernel kernel, DirectorConfig config, TimeProvider time, ILogger<IpvsReconciler> logger)
    {
        _kernel = kernel;
        _time = time;
        _logger = logger;
        ApplyConfig(config);
    }

    public IpvsReconcilerStatus Status => Volatile.Read(ref _status);

    /// <summary>Active if any owned service is active, else Standby if any is, else Starting.</summary>
    public IpvsRole Role
    {
        get
        {
            lock (_gate)
            {
                return Aggregate(_owned.Select(CurrentRole));
            }
        }
    }

    public IpvsRole RoleOf(ServiceKey service)
    {
        lock (_gate)
        {
            return CurrentRole(service);
        }
    }

    /// <summary>The table the next pass aims for (before the role decides whether it is applied).</summary>
    public DesiredTable Desired
    {
        get
        {
            lock (_gate)
            {
                return _desired ??= DesiredTable.Build(_virtualServers, _health, _drains);
            }
        }
    }

    /// <summary>
    /// Start-up: starts the periodic pass and adopts the table that is there, never flushing. With warm
    /// standby the pass brings owned services to the desired table at once; otherwise it only reads and
    /// holds its edits until <see cref="ActivateAsync"/> or <see cref="DeactivateAsync"/> says the role.
    /// </summary>
    public async Task AdoptAsync(CancellationToken cancellationToken = default)
    {
        StartTimer();
        await ReconcileAsync(cancellationToken);
    }

    /// <summary>Becoming master of everything: owned services are reconciled in (call before adding the VIPs).</summary>
    public Task ActivateAsync(CancellationToken cancellationToken = default) => SwitchAsync(null, IpvsRole.Active, cancellationToken);

    /// <summary>
    /// Becoming master of one VRRP instance: only <paramref name="services"/> (see
    /// <see cref="ServiceMapping.KeysForVips"/>) are reconciled in; the others keep their role.
    /// </summary>
    public Task ActivateAsync(IReadOnlyCollection<ServiceKey> services, CancellationToken cancellationToken = default) =>
        SwitchAsync(services, IpvsRole.Active, cancellationToken);

    /// <summary>Leaving master (after the VIPs are removed): owned services go, unless <c>ipvs.warmStandby</c>.</summary>
    public Task DeactivateAsync(CancellationToken cancellationToken = default) => SwitchAsync(null, IpvsRole.Standby, cancellationToken);

    /// <summary>One VRRP instance leaving master: only <paramref name="services"/> go (unless warm standby).</summary>
    public Task DeactivateAsync(IReadOnlyCollection<ServiceKey> services, CancellationToken cancellationToken = default) =>
        SwitchAsync(services, IpvsRole.Standby, cancellationToken);

    /// <summary>
    /// A reload: new desired services, new period. Services the old configuration owned and the new one
    /// does not are still removed (they stay owned until they are gone from the kernel).
    /// </summary>
    public void Configure(DirectorConfig config)
    {
        lock (_gate)
        {
            var before = _owned;
            var period = _ipvs.ReconcilePeriod;
            ApplyConfig(config);
            _retired.UnionWith(before.Where(k => !_owned.Contains(k)));
            _retired.ExceptWith(_owned);
            if (_timer is not null && period != _ipvs.ReconcilePeriod)
            {
                _timer.Change(_ipvs.ReconcilePeriod, _ipvs.ReconcilePeriod);
            }
        }

        RequestReconcile();
    }

    /// <summary>Health's verdict for a real server; null returns it to its configured weight.</summary>
    public void SetHealth(RealServerId realServer, RealServerHealth? health)
    {
        lock (_gate)
        {
            var changed = health is { } verdict
                ? !_health.TryGetValue(realServer, out var old) || old != verdict
                : _health.ContainsKey(realServer);
            if (!changed)
            {
                return;
            }

            if (health is { } value)
            {
                _health[realServer] = value;
            }
            else
            {
                _health.Remove(realServer);
            }

            _desired = null;
        }

        RequestReconcile();
    }

    /// <summary>`hadirector drain`: false if that target was drained already.</summary>
    public bool Drain(DrainTarget target) => ChangeDrains(target, add: true);

    /// <summary>`hadirector undrain`: false if that target was not drained.</summary>
    public bool Undrain(DrainTarget target) => ChangeDrains(target, add: false);

    /// <summary>
    /// Asks for a pass soon. Requests made while a pass runs are coalesced into one more pass after it,
    /// so a burst of health changes costs at most two dumps.
    /// </summary>
    public void RequestReconcile()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _requested = true;
            if (!_workerRunning)
            {
                _workerRunning = true;
                _worker = Task.Run(RunRequestedAsync);
            }
        }
    }

    /// <summary>Completes when every requested pass so far has run.</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            return _worker;
        }
    }

    /// <summary>Runs one pass now (after the one in progress, if any).</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken = default)
    {
        await _passGate.WaitAsync(cancellationToken);
        try
        {
            RunPass();
        }
        finally
        {
            _passGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task worker;
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            worker = _worker;
        }

        await worker;
        _passGate.Dispose();
    }

    private void ApplyConfig(DirectorConfig config)
    {
        _virtualServers = [.. config.VirtualServers];
        _ipvs = config.Ipvs;
        _desired = null;
        _owned = [.. DesiredTable.Build(_virtualServers).Keys];
    }

    private bool ChangeDrains(DrainTarget target, bool add)
    {
        lock (_gate)
        {
            if (!(add ? _drains.Add(target) : _drains.Remove(target)))
            {
                return false;
            }

            _desired = null;
        }

        RequestReconcile();
        return true;
    }

    /// <summary>The periodic pass, started by whichever of adopt/activate/deactivate comes first.</summary>
    private void StartTimer()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _timer ??= _time.CreateTimer(_ => RequestReconcile(), null, _ipvs.ReconcilePeriod, _ipvs.ReconcilePeriod);
        }
    }

    /// <summary><paramref name="services"/> null: every service, now and after reloads.</summary>
    private async Task SwitchAsync(IReadOnlyCollection<ServiceKey>? services, IpvsRole role, CancellationToken cancellationToken)
    {
        StartTimer();
        IpvsRole before, after;
        lock (_gate)
        {
            before = Aggregate(_owned.Select(CurrentRole));
            if (services is null)
            {
                _defaultRole = role;
                _roles.Clear();
            }
            else
            {
                foreach (var service in services)
                {
                    _roles[service] = role;
                }
            }

            after = Aggregate(_owned.Select(CurrentRole));
        }

        if (before != after)
        {
            LogRole(_logger, before, after);
        }

        await ReconcileAsync(cancellationToken);
    }

    /// <summary>Under <see cref="_gate"/>.</summary>
    private IpvsRole CurrentRole(ServiceKey service) => _roles.GetValueOrDefault(service, _defaultRole);

    private static IpvsRole Aggregate(IEnumerable<IpvsRole> roles)
    {
        var result = IpvsRole.Starting;
        foreach (var role in roles)
        {
            if (role == IpvsRole.Active)
            {
                return role;
            }

            if (role == IpvsRole.Standby)
            {
                result = role;
            }
        }

        return result;
    }

    private async Task RunRequestedAsync()
    {
        while (true)
        {
            lock (_gate)
            {
                if (!_requested || _disposed)
                {
                    _workerRunning = false;
                    return;
                }

                _requested = false;
            }

            try
            {
                await ReconcileAsync();
            }
            catch (Exception ex)
            {
                LogPassCrashed(_logger, ex);
            }
        }
    }

    /// <summary>One pass; the caller holds <see cref="_passGate"/>.</summary>
    private void RunPass()
    {
        DesiredTable desired;
        DesiredTable target;
        HashSet<ServiceKey> owned = [];
        HashSet<ServiceKey> starting = [];
        IpvsRole role;
        lock (_gate)
        {
            desired = _desired ??= DesiredTable.Build(_virtualServers, _health, _drains);
            var warmStandby = _ipvs.WarmStandby;
            foreach (var key in desired.Keys)
            {
                // A service whose role is not known yet is left exactly as found (adopted, not written),
                // so a restarted master does not tear down and re-add what it is about to serve.
                (CurrentRole(key) == IpvsRole.Starting && !warmStandby ? starting : owned).Add(key);
            }

            owned.UnionWith(_retired);
            role = Aggregate(_owned.Select(CurrentRole));
            target = Target(desired, warmStandby);
        }

        var started = _time.GetTimestamp();
        var status = Status;
        KernelTable dump;
        try
        {
            dump = Dump();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDumpFailed(_logger, ex);
            Publish(status with { Role = role, Passes = status.Passes + 1, FailedPasses = status.FailedPasses + 1, LastPassAt = _time.GetUtcNow() });
            return;
        }

        var plan = IpvsPlanner.Plan(target, dump, owned);
        var unowned = starting.Count == 0 ? plan.UnownedServices : [.. plan.UnownedServices.Where(s => !starting.Contains(ServiceKey.Of(s)))];
        var pending = starting.Count == 0 ? 0 : IpvsPlanner.Plan(new DesiredTable(desired.Services.Where(s => starting.Contains(s.Key))), dump, starting).Operations.Count;
        ReportUnowned(unowned);
        ForgetRetired(dump);
        if (starting.Count > 0 && (status.Passes == 0 || pending != status.PendingOperations))
        {
            var adopted = dump.Services.Count(s => starting.Contains(s.Key));
            LogAdopted(_logger, adopted, pending);
        }

        var failed = Execute(plan, out var batchFailed);
        var duration = _time.GetElapsedTime(started);
        if (plan.IsEmpty)
        {
            LogPassClean(_logger, role, dump.Services.Count, duration.TotalMilliseconds);
        }
        else
        {
            LogPassApplied(_logger, role, plan.Operations.Count, failed, duration.TotalMilliseconds, dump.Services.Count, dump.DestinationCount);
        }

        Publish(status with
        {
            Role = role,
            Passes = status.Passes + 1,
            FailedPasses = status.FailedPasses + (batchFailed ? 1 : 0),
            LastPassAt = _time.GetUtcNow(),
            LastDuration = duration,
            LastOperations = CountByKind(plan),
            LastFailedOperations = failed,
            PendingOperations = pending,
            TotalOperations = status.TotalOperations + plan.Operations.Count,
            TotalFailedOperations = status.TotalFailedOperations + failed,
            LastDump = dump,
            UnownedServices = unowned,
        });
    }

    /// <summary>
    /// The services to hold in the kernel: active ones, or every one with warm standby. Removing a
    /// standby service from the kernel is planning it owned but absent from the target.
    /// </summary>
    private DesiredTable Target(DesiredTable desired, bool warmStandby)
    {
        if (warmStandby || (_roles.Count == 0 && _defaultRole == IpvsRole.Active))
        {
            return desired;
        }

        return new DesiredTable(desired.Services.Where(s => CurrentRole(s.Key) == IpvsRole.Active));
    }

    private KernelTable Dump()
    {
        var services = _kernel.GetServices();
        var table = new List<KernelService>(services.Count);
        foreach (var service in services)
        {
            try
            {
                table.Add(new KernelService(service, _kernel.GetDestinations(service.Service)));
            }
            catch (IpvsErrorException ex) when (ex.Errno is Errno.ESRCH or Errno.ENOENT)
            {
                // Deleted by someone else between the two dumps. Today's kernels answer that with an empty
                // dump instead; either way the next pass sees the truth.
            }
        }

        return new KernelTable(table);
    }

    /// <summary>Sends the plan; returns how many edits failed. A failed edit is simply planned again next pass.</summary>
    private int Execute(IpvsPlan plan, out bool batchFailed)
    {
        batchFailed = false;
        if (plan.IsEmpty)
        {
            return 0;
        }

        IReadOnlyList<IpvsOperationResult> results;
        try
        {
            results = _kernel.Execute(plan.ToBatch());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogBatchFailed(_logger, plan.Operations.Count, ex);
            batchFailed = true;
            return plan.Operations.Count;
        }

        var failed = 0;
        foreach (var result in results)
        {
            if (result.Error is { } error)
            {
                failed++;
                if (failed <= FailuresLoggedPerPass)
                {
                    LogOperationFailed(_logger, error.Message, error);
                }
            }
        }

        if (failed > FailuresLoggedPerPass)
        {
            LogMoreFailures(_logger, failed - FailuresLoggedPerPass);
        }

        return failed;
    }

    private void ReportUnowned(IReadOnlyList<IpvsService> unowned)
    {
        if (unowned.Count != _lastUnownedCount && unowned.Count > 0 && _logger.IsEnabled(LogLevel.Information))
        {
            var shown = string.Join(", ", unowned.Take(10));
            LogUnowned(_logger, unowned.Count, shown);
        }

        _lastUnownedCount = unowned.Count;
    }

    /// <summary>A service dropped by a reload stays owned until the kernel no longer has it.</summary>
    private void ForgetRetired(KernelTable dump)
    {
        lock (_gate)
        {
            if (_retired.Count > 0)
            {
                var present = dump.Services.Select(s => s.Key).ToHashSet();
                _retired.RemoveWhere(k => !present.Contains(k));
            }
        }
    }

    private static Dictionary<IpvsOperationKind, int> CountByKind(IpvsPlan plan)
    {
        var counts = new Dictionary<IpvsOperationKind, int>();
        foreach (var operation in plan.Operations)
        {
            counts[operation.Kind] = counts.GetValueOrDefault(operation.Kind) + 1;
        }

        return counts;
    }

    private void Publish(IpvsReconcilerStatus status) => Volatile.Write(ref _status, status);
}
