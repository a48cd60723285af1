using HaDirector.Director.Configuration;
using HaDirector.Director.Kernel;
using HaDirector.Director.Vrrp;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// The daemon's side of IPVS: adopts the kernel table at start, switches each VRRP instance's services
/// (and the sync daemon) with its mastership, and takes reloads, health verdicts and drains. Stopping
/// never touches the table: the VIPs go, so no traffic reaches it, and the next start adopts it as it is.
/// </summary>
public sealed partial class IpvsTableService : IHostedService, IInstanceServices, IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly IHostKernel _kernel;
    private readonly IIpvsKernel _syncKernel;
    private readonly IpvsKernelParameters _parameters;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _masters = new(StringComparer.Ordinal);
    private DirectorConfig _config;
    private ServicePlan _plan;
    private SyncDaemonController _sync;
    private TakeoverGrace _grace;
    private ConnectionHandover? _handover;
    private readonly TimeProvider _time;
    private bool _adopted;
    private Task _adoption = Task.CompletedTask;
    private bool _stopping;

    /// <param name="kernel">The reconciler and the sync daemons each get an IPVS connection of their own: the
    /// reconciler's passes must not hold up a sync-daemon change, nor the other way round.</param>
    public IpvsTableService(DirectorConfig config, IHostKernel kernel, TimeProvider time, ILoggerFactory loggers)
    {
        _config = config;
        _plan = ServicePlan.Of(config);
        _loggers = loggers;
        _logger = loggers.CreateLogger<IpvsTableService>();
        _kernel = kernel;
        _syncKernel = kernel.OpenIpvs();
        Reconciler = new IpvsReconciler(kernel.OpenIpvs(), config, time, loggers.CreateLogger<IpvsReconciler>());
        _time = time;
        _sync = NewSyncController(config);
        _grace = NewGrace(config);
        _handover = NewHandover(config);
        _parameters = new IpvsKernelParameters(kernel.Sysctls, loggers.CreateLogger<IpvsKernelParameters>());
    }

    public IpvsReconciler Reconciler { get; }

    /// <summary>The IPVS sysctls: what could not be set shows in status and metrics.</summary>
    public IpvsKernelParameters KernelParameters => _parameters;

    /// <summary>False while the configuration has no virtual servers: the kernel is then never asked.</summary>
    public bool InUse => Volatile.Read(ref _config).VirtualServers.Count > 0;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (InUse)
        {
            // In the background: a large table (or a slow machine) must not hold up the host's start, and
            // an activation that comes first simply runs its own pass.
            _adoption = Task.Run(() => AdoptAsync(CancellationToken.None), CancellationToken.None);
        }

        lock (_gate)
        {
            ApplyKernelParameters(_config);
            Sync(_sync.EnsureRunning);
            var grace = _grace;
            _ = ObserveAsync(Task.Run(grace.WarmUp, CancellationToken.None), "takeover grace warm-up");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _stopping = true;
            _grace.EndAll();
        }

        return Task.CompletedTask;
    }

    public Task ActivateAsync(VrrpInstanceConfig instance)
    {
        HashSet<ServiceKey> services;
        bool warm;
        TakeoverGrace grace;
        lock (_gate)
        {
            var first = _masters.Count == 0;
            if (!_masters.Add(instance.Name) || _stopping)
            {
                return Task.CompletedTask;
            }

            services = ServicesOf(instance, alone: first);
            warm = _config.Ipvs.WarmStandby;
            grace = _grace;
        }

        if (services.Count == 0)
        {
            return Task.CompletedTask;
        }

        // Off the election's thread: a pass over a large table takes a while, and the other instances' timers must not wait.
        var activation = ObserveAsync(Task.Run(() => Reconciler.ActivateAsync(services)), instance.Name);
        if (grace.Grace <= TimeSpan.Zero)
        {
            // Warm standby: already programmed on this backup, so the VIP may go up at once; the pass only repairs drift.
            return warm ? Task.CompletedTask : activation;
        }

        // The grace's listeners open alongside the programming, and the grace runs from when the VIP can go up.
        var held = Task.Run(() =>
        {
            grace.Begin(instance.Name, services);
            lock (_gate)
            {
                // Left master while they opened (its Deactivate ended a grace that was not there yet): close them.
                if (!_masters.Contains(instance.Name) || _stopping)
                {
                    grace.End(instance.Name);
                }
            }
        });
        return ObserveAsync(ArmWhenReadyAsync(grace, instance.Name, warm ? held : Task.WhenAll(held, activation)), instance.Name);
    }

    private static async Task ArmWhenReadyAsync(TakeoverGrace grace, string instance, Task ready)
    {
        try
        {
            await ready;
        }
        finally
        {
            grace.Arm(instance);
        }
    }

    /// <summary>
    /// Programs the services of the announced VIPs: unlike a VRRP instance's, they forward on every director at all
    /// times (any director may receive a flow the router hashed to it), whatever this director announces.
    /// </summary>
    public Task ActivateAnnouncedAsync()
    {
        HashSet<ServiceKey> services;
        lock (_gate)
        {
            services = [.. _plan.Announced];
        }

        return services.Count == 0 ? Task.CompletedTask : Reconciler.ActivateAsync(services);
    }

    public void Deactivate(VrrpInstanceConfig instance)
    {
        HashSet<ServiceKey> services;
        ConnectionHandover? handover;
        bool stopping;
        lock (_gate)
        {
            if (!_masters.Remove(instance.Name))
            {
                return;
            }

            stopping = _stopping;
            if (!stopping)
            {
                _grace.End(instance.Name);
            }

            services = ServicesOf(instance, alone: _masters.Count == 0);
            handover = _handover;
        }

        if (handover is not null && services.Count > 0)
        {
            // The VIPs are gone, so nothing more reaches these entries. When the daemon stops, before it exits.
            if (stopping)
            {
                handover.Send(instance.Name, services);
            }
            else
            {
                // A thread of its own, not the pool's: the client's first retransmission comes 200 ms after its
                // segment, and in the lab a pool busy with the reconciler's deactivation delayed a queued handover
                // by 300-700 ms (thread injection), past it. Send never throws.
                new Thread(() => handover.Send(instance.Name, services)) { IsBackground = true, Name = "hadirector-handover" }.Start();
            }
        }

        if (services.Count > 0 && !stopping)
        {
            _ = ObserveAsync(Task.Run(() => Reconciler.DeactivateAsync(services)), instance.Name);
        }
    }

    /// <summary>A validated reload: the reconciler diffs it; a sync-daemon change restarts that daemon.</summary>
    public async Task ReconfigureAsync(DirectorConfig config)
    {
        bool adopt;
        lock (_gate)
        {
            var before = _config;
            _config = config;
            _plan = ServicePlan.Of(config);
            ApplyKernelParameters(config);
            if (before.Ipvs.SyncDaemon != config.Ipvs.SyncDaemon)
            {
                if (before.Ipvs.SyncDaemon is { } old && (old.Interface, old.SyncId) != (config.Ipvs.SyncDaemon?.Interface, config.Ipvs.SyncDaemon?.SyncId))
                {
                    Sync(_sync.StopAll);
                }

                _sync = NewSyncController(config);
                Sync(_sync.EnsureRunning);
                _grace.EndAll();
                _grace = NewGrace(config);
            }

            _handover = NewHandover(config);

            adopt = !_adopted && config.VirtualServers.Count > 0;
        }

        Reconciler.Configure(config);
        if (adopt)
        {
            await AdoptAsync(CancellationToken.None);
        }

        // A virtual server the reload gave to an instance we are master of must be serving before a new VIP goes
        // up (the VRRP side applies its changes after this returns).
        var active = ServicesOfMasters();
        lock (_gate)
        {
            active.UnionWith(_plan.Announced);
        }

        if (active.Count > 0)
        {
            await ObserveAsync(Reconciler.ActivateAsync(active), "reload");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _adoption;
        await Reconciler.DisposeAsync();
    }

    private async Task AdoptAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _adopted = true;
        }

        try
        {
            await Reconciler.AdoptAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The periodic pass retries; VRRP must run regardless.
            LogAdoptFailed(_logger, ex.Message, ex);
        }
    }

    /// <summary>
    /// The instance's services; when it is the only master (<paramref name="alone"/>) also those no
    /// instance carries (firewall-mark services), which follow "this node is a master".
    /// </summary>
    private HashSet<ServiceKey> ServicesOf(VrrpInstanceConfig instance, bool alone)
    {
        var services = _plan.ByInstance.TryGetValue(instance.Name, out var own)
            ? [.. own]
            : ServiceMapping.KeysForVips(_config.VirtualServers, instance.HeldAddresses.Select(v => v.Address)).ToHashSet();
        if (alone)
        {
            services.UnionWith(_plan.Uncarried);
        }

        return services;
    }

    /// <summary>
    /// Each instance's services and those no instance carries, worked out when the configuration arrives, so that
    /// the takeover path does a lookup instead of walking the virtual servers.
    /// </summary>
    /// <param name="Announced">The services on announced VIPs (announce.vips): active on every director at all times.</param>
    private sealed record ServicePlan(Dictionary<string, HashSet<ServiceKey>> ByInstance, HashSet<ServiceKey> Uncarried, HashSet<ServiceKey> Announced)
    {
        public static ServicePlan Of(DirectorConfig config)
        {
            var byInstance = new Dictionary<string, HashSet<ServiceKey>>(StringComparer.Ordinal);
            foreach (var instance in config.Vrrp.Instances)
            {
                byInstance[instance.Name] = ServiceMapping.KeysForVips(config.VirtualServers, instance.HeldAddresses.Select(v => v.Address)).ToHashSet();
            }

            var carried = ServiceMapping.KeysForVips(config.VirtualServers,
                config.Vrrp.Instances.SelectMany(i => i.HeldAddresses).Select(v => v.Address));
            var announced = ServiceMapping.KeysForVips(config.VirtualServers, config.Announce?.Vips.Select(v => v.Address) ?? []).ToHashSet();
            return new ServicePlan(byInstance,
                [.. DesiredTable.Build(config.VirtualServers).Keys.Where(k => !carried.Contains(k) && !announced.Contains(k))], announced);
        }
    }

    private HashSet<ServiceKey> ServicesOfMasters()
    {
        lock (_gate)
        {
            var services = new HashSet<ServiceKey>();
            var masters = _config.Vrrp.Instances.Where(i => _masters.Contains(i.Name)).ToList();
            for (var k = 0; k < masters.Count; k++)
            {
                // Firewall-mark services follow "master of any instance": take them in once.
                services.UnionWith(ServicesOf(masters[k], alone: k == 0));
            }

            return services;
        }
    }

    private SyncDaemonController NewSyncController(DirectorConfig config) =>
        new(_syncKernel, config.Ipvs.SyncDaemon, _loggers.CreateLogger<SyncDaemonController>());

    private ConnectionHandover? NewHandover(DirectorConfig config) =>
        config.Ipvs.SyncDaemon is { } sync && config.VirtualServers.Count > 0
            ? new ConnectionHandover(_kernel, sync, DesiredTable.Build(config.VirtualServers), _loggers.CreateLogger<ConnectionHandover>())
            : null;

    private TakeoverGrace NewGrace(DirectorConfig config) =>
        new(config.Ipvs.SyncDaemon?.TakeoverGrace ?? TimeSpan.Zero, _time, _kernel.OpenSilentListener,
            _loggers.CreateLogger<TakeoverGrace>());

    /// <summary>
    /// The namespace's IPVS sysctls this configuration wants. They exist once ip_vs is loaded, which the family
    /// lookup of the first request does; a daemon with nothing for IPVS to do never asks the kernel.
    /// </summary>
    private void ApplyKernelParameters(DirectorConfig config)
    {
        if (config.VirtualServers.Count > 0 || config.Ipvs.SyncDaemon is not null)
        {
            try
            {
                _syncKernel.GetDaemons();
                _parameters.Apply(config.Ipvs, config.VirtualServers.Any(v => v.ServiceFamily == System.Net.Sockets.AddressFamily.InterNetworkV6));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // No IPVS in this kernel, say: the reconciler reports that too; VRRP must run regardless.
                LogKernelParametersFailed(_logger, ex.Message, ex);
            }
        }
        else
        {
            _parameters.Clear();
        }
    }

    /// <summary>The sync daemon is a bonus: failing to switch it is logged, never stops the election.</summary>
    private void Sync(Action change)
    {
        try
        {
            change();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSyncFailed(_logger, ex.Message, ex);
        }
    }

    private async Task ObserveAsync(Task task, string instance)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogActivationFailed(_logger, instance, ex.Message, ex);
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "{Instance}: switching its IPVS services failed: {Error}")]
    private static partial void LogActivationFailed(ILogger logger, string instance, string error, Exception ex);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Error, Message = "setting the IPVS kernel parameters failed: {Error}")]
    private static partial void LogKernelParametersFailed(ILogger logger, string error, Exception ex);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "switching the IPVS sync daemon failed: {Error}")]
    private static partial void LogSyncFailed(ILogger logger, string error, Exception ex);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "reading the kernel's IPVS table at start failed: {Error}")]
    private static partial void LogAdoptFailed(ILogger logger, string error, Exception ex);
}
