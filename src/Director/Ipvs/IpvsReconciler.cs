using HaDirector.Director.Configuration;
using HaDirector.Director.Health;
using HaDirector.Director.Kernel;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// Keeps the kernel's owned IPVS services equal to the desired table: each pass dumps the kernel, plans
/// with <see cref="IpvsPlanner"/> and sends the plan as one pipelined batch. Passes run one at a time,
/// on <see cref="RequestReconcile"/> (coalesced) and every <c>ipvs.reconcilePeriod</c>, so hand edits are
/// repaired and failed edits retried. Never flushes: it touches only the services it owns.
/// </summary>
public sealed partial class IpvsReconciler : IRealServerHealthSink, IAsyncDisposable
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
                return OwnedRole();
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

    /// <summary>
    /// Health's verdict for a real server; null returns it to its configured weight. When no pass runs, the
    /// edit is sent before this returns (one netlink round trip on the caller's thread, no dump); otherwise
    /// the worker applies it after the pass in progress.
    /// </summary>
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
            _healthChanged.Add(realServer.Service);
        }

        RunTargetedOrRequest();
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

    /// <summary>A fresh dump for status and metrics (connection counts, stats), between passes; never writes.</summary>
    public async Task<KernelTable> DumpAsync(CancellationToken cancellationToken = default)
    {
        await _passGate.WaitAsync(cancellationToken);
        try
        {
            return Dump();
        }
        finally
        {
            _passGate.Release();
        }
    }

    /// <summary>The drains in force, for status.</summary>
    public IReadOnlyList<DrainTarget> Drains
    {
        get
        {
            lock (_gate)
            {
                return [.. _drains];
            }
        }
    }

    /// <summary>Health verdicts in force, for status.</summary>
    public IReadOnlyDictionary<RealServerId, RealServerHealth> Health
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<RealServerId, RealServerHealth>(_health);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task worker;
        bool first;
        lock (_gate)
        {
            first = !_disposed;
            _disposed = true;
            _timer?.Dispose();
            worker = _worker;
        }

        await worker;
        if (first)
        {
            // An inline health pass (IpvsReconciler.Targeted.cs) may still hold the gate. Only the first
            // call waits for it: the host may dispose twice, and the gate is gone after the first.
            await _passGate.WaitAsync();
            _passGate.Dispose();
        }
    }

    private void ApplyConfig(DirectorConfig config)
    {
        _virtualServers = [.. config.VirtualServers];
        _ipvs = config.Ipvs;
        // Built once here and kept for the first pass (health and drains do not change which services exist):
        // a 1,000 x 10 table was built twice on the way to the first request.
        _desired = DesiredTable.Build(_virtualServers, _health, _drains);
        _owned = [.. _desired.Keys];
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
            MarkDrained(target);
        }

        RunTargetedOrRequest();
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
            before = OwnedRole();
            if (services is null)
            {
                _defaultRole = role;
                if (_roles.Count > 0)
                {
                    _roles.Clear();
                }
            }
            else
            {
                foreach (var service in services)
                {
                    _roles[service] = role;
                }
            }

            after = OwnedRole();
        }

        if (before != after)
        {
            LogRole(_logger, before, after);
        }

        await ReconcileAsync(cancellationToken);
    }

    /// <summary>
    /// Under <see cref="_gate"/>. An empty <see cref="_roles"/> is not asked: a dictionary with an enum value
    /// is JIT-compiled at its first call (ReadyToRun cannot precompile it), and at start it is empty.
    /// </summary>
    private IpvsRole CurrentRole(ServiceKey service) => _roles.Count == 0 ? _defaultRole : _roles.GetValueOrDefault(service, _defaultRole);

    /// <summary>Under <see cref="_gate"/>: <see cref="Role"/>, by a loop rather than LINQ over enum values (no JIT at start).</summary>
    private IpvsRole OwnedRole()
    {
        var result = IpvsRole.Starting;
        foreach (var service in _owned)
        {
            var role = CurrentRole(service);
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
}
