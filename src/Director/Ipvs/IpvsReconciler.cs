using System.Collections.Concurrent;
using HaDirector.Director.Configuration;
using HaDirector.Director.Kernel;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// Keeps the kernel's owned IPVS services equal to the desired table. Callers change the inputs (one
/// immutable <see cref="ReconcilerInputs"/>, swapped whole) and post a request; one loop reads the requests
/// in order and alone owns everything else: the kernel, the periodic timer, what the last clean pass left in
/// the kernel. A full pass dumps every service, plans with <see cref="IpvsPlanner"/> and sends one pipelined
/// batch; a health or drain change plans the same way against a smaller view of the kernel, only the
/// services it touches. Passes run on <see cref="RequestReconcile"/> (coalesced) and every
/// <c>ipvs.reconcilePeriod</c>, so hand edits are repaired and failed edits retried. Never flushes: it
/// touches only the services it owns.
/// </summary>
public sealed partial class IpvsReconciler : IRealServerHealthSink, IAsyncDisposable
{
    private readonly IIpvsKernel _kernel;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<ReconcileRequest> _mailbox = new();
    private readonly ReconcileRequest _stop = ReconcileRequest.Stop();
    private ReconcilerInputs _inputs;
    private IpvsReconcilerStatus _status = IpvsReconcilerStatus.Initial;
    private int _disposed;

    public IpvsReconciler(IIpvsKernel kernel, DirectorConfig config, TimeProvider time, ILogger<IpvsReconciler> logger)
    {
        _kernel = kernel;
        _time = time;
        _logger = logger;
        _inputs = ReconcilerInputs.Of(config);
        _ownedBy = _inputs;
    }

    public IpvsReconcilerStatus Status => Volatile.Read(ref _status);

    /// <summary>Active if any owned service is active, else Standby if any is, else Starting.</summary>
    public IpvsRole Role => Inputs.OwnedRole();

    public IpvsRole RoleOf(ServiceKey service) => Inputs.RoleOf(service);

    /// <summary>The table the next pass aims for (before the role decides whether it is applied).</summary>
    public DesiredTable Desired => Inputs.Desired;

    /// <summary>The drains in force, for status.</summary>
    public IReadOnlyList<DrainTarget> Drains => Inputs.Drains;

    /// <summary>Health verdicts in force, for status.</summary>
    public IReadOnlyDictionary<RealServerId, RealServerHealth> Health => Inputs.Health;

    private ReconcilerInputs Inputs => Volatile.Read(ref _inputs);

    /// <summary>
    /// Start-up: starts the periodic pass and adopts the table that is there, never flushing. With warm
    /// standby the pass brings owned services to the desired table at once; otherwise it only reads and
    /// holds its edits until <see cref="ActivateAsync"/> or <see cref="DeactivateAsync"/> says the role.
    /// </summary>
    public Task AdoptAsync(CancellationToken cancellationToken = default) => PassAsync(startsTimer: true, cancellationToken);

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
        Change(inputs => inputs.WithConfig(config));
        if (Volatile.Read(ref _disposed) == 0)
        {
            // Virtual servers back after a reload had removed them all: the periodic pass starts again.
            _mailbox.Enqueue(ReconcileRequest.Pass(awaited: false, startsTimer: config.VirtualServers.Count > 0));
            PumpInBackground();
        }
    }

    /// <summary>
    /// Health's verdict for a real server; null returns it to its configured weight. When the loop is idle
    /// the edit is sent before this returns (one netlink round trip on the caller's thread, no dump);
    /// otherwise the loop applies it after the pass in progress.
    /// </summary>
    public void SetHealth(RealServerId realServer, RealServerHealth? health)
    {
        if (Change(inputs => inputs.WithHealth(realServer, health)))
        {
            Post(ReconcileRequest.Changed(realServer.Service), fullPassHere: false);
        }
    }

    /// <summary>`hadirector drain`: false if that target was drained already.</summary>
    public bool Drain(DrainTarget target) => ChangeDrains(target, add: true);

    /// <summary>`hadirector undrain`: false if that target was not drained.</summary>
    public bool Undrain(DrainTarget target) => ChangeDrains(target, add: false);

    /// <summary>
    /// Asks for a full pass soon, on the thread pool. Requests made while a pass runs are coalesced into one
    /// more pass after it, so a burst of changes costs at most two dumps.
    /// </summary>
    public void RequestReconcile()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _mailbox.Enqueue(ReconcileRequest.Pass(awaited: false));
            PumpInBackground();
        }
    }

    /// <summary>Completes when every request posted so far has been handled.</summary>
    public Task WhenIdleAsync()
    {
        var idle = ReconcileRequest.Idle();
        _mailbox.Enqueue(idle);
        PumpInBackground();
        return idle.Done!.Task;
    }

    /// <summary>Runs one full pass now (after the requests posted before it), on the caller's thread when the loop is idle.</summary>
    public Task ReconcileAsync(CancellationToken cancellationToken = default) => PassAsync(startsTimer: false, cancellationToken);

    /// <summary>A fresh dump for status and metrics (connection counts, stats), between passes; never writes.</summary>
    public Task<KernelTable> DumpAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var request = ReconcileRequest.Dump();
        Post(request, fullPassHere: true);
        return request.Dumped!.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the periodic pass after the requests posted before; may be called more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _mailbox.Enqueue(_stop);
            PumpInBackground();
        }

        await _stop.Done!.Task;
    }

    private bool ChangeDrains(DrainTarget target, bool add)
    {
        if (!Change(inputs => inputs.WithDrain(target, add)))
        {
            return false;
        }

        Post(ReconcileRequest.Changed(target), fullPassHere: false);
        return true;
    }

    private async Task SwitchAsync(IReadOnlyCollection<ServiceKey>? services, IpvsRole role, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        IpvsRole before = default, after = default;
        Change(inputs =>
        {
            var next = inputs.WithRole(services, role);
            (before, after) = (inputs.OwnedRole(), next.OwnedRole());
            return next;
        });
        if (before != after)
        {
            LogRole(_logger, before, after);
        }

        await PassAsync(startsTimer: true, cancellationToken);
    }

    private Task PassAsync(bool startsTimer, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var request = ReconcileRequest.Pass(awaited: true, startsTimer);
        Post(request, fullPassHere: true);
        return request.Done!.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Swaps the inputs; false when <paramref name="change"/> says nothing changes.</summary>
    private bool Change(Func<ReconcilerInputs, ReconcilerInputs?> change)
    {
        while (true)
        {
            var current = Inputs;
            if (change(current) is not { } next)
            {
                return false;
            }

            if (ReferenceEquals(Interlocked.CompareExchange(ref _inputs, next, current), current))
            {
                return true;
            }
        }
    }

    private void Post(ReconcileRequest request, bool fullPassHere)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            request.Refuse();
            return;
        }

        _mailbox.Enqueue(request);
        Pump(fullPassHere);
    }
}
