using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Kernel;
using HaDirector.Director.Tracking;
using HaDirector.Linux.Netlink.Route;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Announce;

/// <summary>
/// Holds the announced VIPs (<c>announce:</c>, docs/scale-out.md): each VIP on <c>lo</c> and its IPVS services
/// programmed at all times, and a route for it in the announce table while <see cref="AnnouncementPolicy"/> says
/// this director should be a next hop, which the routing daemon exports over BGP. One pass compares the policy's
/// verdicts with the table as the kernel shows it and adds or removes the difference, so a restart that finds its
/// routes keeps them (no withdraw-then-announce) and a route someone removed comes back. Passes run every second
/// (health is read then), on a tracker change, on <c>failover</c>/<c>resume</c>, on a reload and on stop.
/// </summary>
public sealed partial class AnnounceService : IHostedService, IDisposable
{
    /// <summary>How often real-server health is read and the table repaired.</summary>
    public static readonly TimeSpan PassPeriod = TimeSpan.FromSeconds(1);

    private const string Loopback = "lo";

    /// <summary>IPVS's, for both families despite the directory's name.</summary>
    private static readonly (string Path, string Value)[] KernelParameters =
    [
        // A director that did not see a flow start (the router moved it here) must still forward its next segment.
        ("net/ipv4/vs/sloppy_tcp", "1"),
        ("net/ipv4/vs/sloppy_sctp", "1"),
    ];

    /// <summary>
    /// Only with an IPv4 VIP. IPv6 needs none: Linux answers a neighbour solicitation only for an address of the
    /// interface it arrived on (ndisc_recv_ns), never for one on lo, as RealServerSysctls says for real servers.
    /// </summary>
    private static readonly (string Path, string Value)[] ArpParameters =
    [
        // The VIP is on lo of every director: none may answer ARP for it, as on a real server (RealServerSysctls).
        ("net/ipv4/conf/all/arp_ignore", "1"),
        ("net/ipv4/conf/lo/arp_ignore", "1"),
        ("net/ipv4/conf/all/arp_announce", "2"),
        ("net/ipv4/conf/lo/arp_announce", "2"),
    ];

    /// <summary>Every sysctl announce mode may write (under /proc/sys), for the unit's ReadWritePaths.</summary>
    public static IEnumerable<string> SysctlPaths => KernelParameters.Concat(ArpParameters).Select(p => p.Path);

    private readonly IHostKernel _kernel;
    private readonly IpvsTableService _ipvs;
    private readonly Func<string, int> _realServersUp;
    private readonly Func<IReadOnlyList<TrackerStatus>> _trackers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AnnounceMetrics? _metrics;
    private readonly MaintenanceStore? _store;
    private readonly Func<RoutingDaemonConfig, IRoutingDaemonClient> _routingDaemonClients;
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, AnnouncementDecision> _decisions = [];
    private readonly HashSet<IPAddress> _heldVips = [];
    private AnnouncementPolicy _policy;
    private DirectorConfig _config;
    private ITimer? _timer;
    private RoutingDaemonMonitor? _routingDaemon;
    private bool _maintenance;
    private bool _stopping;
    private string? _lastError;

    /// <param name="realServersUp">Real servers up per virtual server name (not checked yet counts as up, as the table serves it).</param>
    /// <param name="trackers">The trackers' readings now (vrrp.trackers).</param>
    /// <param name="maintenance">Where failover's maintenance is kept across restarts; null: not kept.</param>
    /// <param name="routingDaemonClients">How the routing daemon is read (tests: a fake); null: BIRD's socket or FRR's vtysh.</param>
    public AnnounceService(DirectorConfig config, IHostKernel kernel, IpvsTableService ipvs, Func<string, int> realServersUp,
        Func<IReadOnlyList<TrackerStatus>> trackers, TimeProvider time, ILogger<AnnounceService> logger, AnnounceMetrics? metrics = null,
        MaintenanceStore? maintenance = null, Func<RoutingDaemonConfig, IRoutingDaemonClient>? routingDaemonClients = null)
    {
        _store = maintenance;
        _routingDaemonClients = routingDaemonClients ?? RoutingDaemonMonitor.ClientFor;
        _config = config;
        _kernel = kernel;
        _ipvs = ipvs;
        _realServersUp = realServersUp;
        _trackers = trackers;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _policy = new AnnouncementPolicy(config.Announce?.HoldDown ?? TimeSpan.Zero, time);
    }

    /// <summary>Whether this configuration announces anything (else the service does nothing at all).</summary>
    public bool InUse => Volatile.Read(ref _config).Announce is not null;

    /// <summary>The announce section in force, or null.</summary>
    public AnnounceConfig? Config => Volatile.Read(ref _config).Announce;

    /// <summary>The whole director withdrawn by <c>failover</c> (without <c>--vip</c>).</summary>
    public bool InMaintenance
    {
        get
        {
            lock (_gate)
            {
                return _maintenance;
            }
        }
    }

    /// <summary>The routing daemon's sessions as last read; null without <c>announce.routingDaemon</c>.</summary>
    public RoutingDaemonMonitor? RoutingDaemon => Volatile.Read(ref _routingDaemon);

    /// <summary>Whether <paramref name="vip"/> is one of <c>announce.vips</c>.</summary>
    public bool IsAnnounced(IPAddress vip) => Config?.Vips.Any(v => v.Address.Equals(vip)) == true;

    /// <summary>Each announced VIP's last verdict, in configuration order.</summary>
    public IReadOnlyList<AnnouncementDecision> Snapshot()
    {
        lock (_gate)
        {
            return [.. (_config.Announce?.Vips ?? []).Select(v => _decisions.GetValueOrDefault(v.Address)).OfType<AnnouncementDecision>()];
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!InUse)
        {
            return;
        }

        // Services first, then the VIP, then the route: the first flow the router sends here must find all three.
        await ObserveAsync(_ipvs.ActivateAnnouncedAsync());
        lock (_gate)
        {
            // Before the first pass: a director drained before the restart must not announce for even one pass.
            RestoreMaintenance();
            SetKernelParameters();

            Pass();
            _timer = _time.CreateTimer(_ => PassLocked(), null, PassPeriod, PassPeriod);
        }

        WatchRoutingDaemon(_config.Announce?.RoutingDaemon);
    }

    /// <summary>
    /// Withdraws every announcement, then waits <c>stopGrace</c> while the router moves the flows to the other
    /// directors (this one still forwards what arrives), then returns. The VIPs stay on lo and IPVS stays as it is:
    /// the next start finds them and announces without a gap in forwarding.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        TimeSpan grace;
        lock (_gate)
        {
            if (_config.Announce is not { } announce || _stopping)
            {
                return;
            }

            _stopping = true;
            Pass();
            grace = announce.StopGrace;
        }

        LogStopGrace(_logger, (long)grace.TotalMilliseconds);
        try
        {
            await Task.Delay(grace, _time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout came first.
        }

        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>
    /// <c>hadirector failover</c>: withdraws every VIP (or only <paramref name="vip"/>) and holds it withdrawn until
    /// <see cref="Resume"/>, across restarts of the daemon; IPVS forwards on.
    /// </summary>
    public MaintenanceResult Failover(IPAddress? vip = null)
    {
        lock (_gate)
        {
            if (vip is null)
            {
                _maintenance = true;
            }
            else
            {
                _heldVips.Add(vip);
            }

            return Changed(vip);
        }
    }

    /// <summary>
    /// <c>hadirector resume</c>: ends every hold (or only <paramref name="vip"/>'s) and announces again what is healthy
    /// (no hold-down: maintenance is not a failure). A single VIP stays withdrawn while the whole director is held.
    /// </summary>
    public MaintenanceResult Resume(IPAddress? vip = null)
    {
        lock (_gate)
        {
            if (vip is null)
            {
                _maintenance = false;
                _heldVips.Clear();
            }
            else
            {
                _heldVips.Remove(vip);
            }

            return Changed(vip);
        }
    }

    /// <summary>Whether <paramref name="vip"/> alone is held by <c>failover --vip</c>.</summary>
    public bool IsHeld(IPAddress vip)
    {
        lock (_gate)
        {
            return _heldVips.Contains(vip);
        }
    }

    /// <summary>A tracker changed: decide at once rather than at the next pass.</summary>
    public void OnTrackersChanged() => PassLocked();

    /// <summary>A validated reload (after the IPVS table service took it): new VIPs, services and rules.</summary>
    public async Task ReconfigureAsync(DirectorConfig next)
    {
        AnnounceConfig? before;
        lock (_gate)
        {
            before = _config.Announce;
            _config = next;
            if (before?.HoldDown != next.Announce?.HoldDown)
            {
                // The last verdicts stay; only the hold-down history restarts (a VIP in hold-down is announced at once).
                _policy = new AnnouncementPolicy(next.Announce?.HoldDown ?? TimeSpan.Zero, _time);
            }
        }

        if (next.Announce is not null)
        {
            await ObserveAsync(_ipvs.ActivateAnnouncedAsync());
        }

        lock (_gate)
        {
            var kept = next.Announce?.Vips.Select(v => v.Address).ToHashSet() ?? [];
            if (before is not null)
            {
                // Routes of VIPs the reload removed (and of the old table or protocol) go; so do their addresses on lo.
                var moved = next.Announce is not { } now || (now.Table, now.Protocol) != (before.Table, before.Protocol);
                foreach (var vip in before.Vips.Where(v => moved || !kept.Contains(v.Address)))
                {
                    Try(() => _kernel.Routes.Delete(vip.Address, before.Table, before.Protocol, LoopbackIndex()), $"withdrawing {vip.Address}");
                }

                // Local routes (localRoute) of removed VIPs go, and all of them when the next configuration makes VIPs local
                // otherwise or with another protocol: the pass below puts back what it needs within the same lock.
                var localGone = before.LocalRoute && (next.Announce is not { } after || !after.LocalRoute || after.Protocol != before.Protocol);
                foreach (var vip in before.Vips.Where(v => before.LocalRoute && (localGone || !kept.Contains(v.Address))))
                {
                    Try(() => _kernel.Routes.Delete(vip.Address, RouteConstants.TableLocal, before.Protocol, LoopbackIndex(), local: true),
                        $"removing {vip.Address}'s local route");
                }

                foreach (var vip in before.Vips.Where(v => !kept.Contains(v.Address)))
                {
                    if (!before.LocalRoute)
                    {
                        Try(() => _kernel.Links.DeleteAddress(LoopbackIndex(), vip.Address, RouteTables.HostPrefix(vip.Address)), $"removing {vip.Address} from lo");
                    }

                    _decisions.Remove(vip.Address);
                    _metrics?.Remove(vip.Address);
                }
            }

            // A VIP the reload removed is no longer held: were it added back, it would be a new VIP.
            if (_heldVips.RemoveWhere(v => !kept.Contains(v)) > 0 && _store?.Save(new MaintenanceState(_maintenance, _heldVips.ToHashSet())) is { } notKept)
            {
                LogNotKept(_logger, notKept);
            }

            _policy.Retain(kept);
            if (next.Announce is not null)
            {
                SetKernelParameters();
                Pass();
                _timer ??= _time.CreateTimer(_ => PassLocked(), null, PassPeriod, PassPeriod);
            }
        }

        WatchRoutingDaemon(next.Announce?.RoutingDaemon);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }

        Interlocked.Exchange(ref _routingDaemon, null)?.Dispose();
    }

    private MaintenanceResult Changed(IPAddress? vip)
    {
        Pass();
        var notKept = _store?.Save(new MaintenanceState(_maintenance, _heldVips.ToHashSet()));
        if (notKept is not null)
        {
            LogNotKept(_logger, notKept);
        }

        var decisions = Snapshot();
        return new MaintenanceResult(vip is null ? decisions : [.. decisions.Where(d => d.Vip.Equals(vip))], notKept);
    }

    /// <summary>At start: the maintenance a previous run of the daemon left in the state file.</summary>
    private void RestoreMaintenance()
    {
        if (_store is null)
        {
            return;
        }

        var state = _store.Load(out var problem);
        if (problem is not null)
        {
            LogStateUnreadable(_logger, problem);
        }

        _maintenance = state.Director;
        // A VIP the configuration no longer announces is forgotten (as a reload forgets it).
        _heldVips.UnionWith(state.Vips.Where(IsAnnounced));
        if (!state.IsNone)
        {
            LogMaintenanceRestored(_logger, state.Director ? "every announced VIP" : string.Join(", ", state.Vips), _store.Path);
        }
    }

    /// <summary>Starts, replaces or stops reading the routing daemon (outside the lock: the monitor has its own timer).</summary>
    private void WatchRoutingDaemon(RoutingDaemonConfig? config)
    {
        var current = RoutingDaemon;
        if (current?.Config == config)
        {
            return;
        }

        current?.Dispose();
        RoutingDaemonMonitor? next = null;
        if (config is not null)
        {
            next = new RoutingDaemonMonitor(config, _routingDaemonClients(config), _time, _logger, _metrics);
            next.Start();
        }

        Volatile.Write(ref _routingDaemon, next);
    }

    private void PassLocked()
    {
        lock (_gate)
        {
            Pass();
        }
    }

    /// <summary>One pass under the lock: decide each VIP, then make the table and lo say so.</summary>
    private void Pass()
    {
        if (_config.Announce is not { } announce)
        {
            return;
        }

        var trackers = _trackers().ToDictionary(t => t.Name, t => t.Reading.Up, StringComparer.Ordinal);
        var ok = Try(() =>
        {
            var lo = LoopbackIndex();
            var onLo = _kernel.Links.ListAddresses(lo).Select(a => a.Address).ToHashSet();
            var routed = _kernel.Routes.List(announce.Table, announce.Protocol).Select(r => r.Destination).ToHashSet();
            var local = _kernel.Routes.List(RouteConstants.TableLocal, announce.Protocol).Select(r => r.Destination).ToHashSet();
            foreach (var vip in announce.Vips)
            {
                var decision = _policy.Decide(vip.Address, ConditionsOf(vip, trackers), _maintenance || _heldVips.Contains(vip.Address), _stopping);
                MakeLocal(vip.Address, announce, lo, onLo, local);

                if (decision.Announce && !routed.Contains(vip.Address))
                {
                    _kernel.Routes.Add(vip.Address, announce.Table, announce.Protocol, lo);
                }
                else if (!decision.Announce && routed.Contains(vip.Address))
                {
                    _kernel.Routes.Delete(vip.Address, announce.Table, announce.Protocol, lo);
                }

                Record(decision);
            }

            // Our protocol in our table and no VIP of ours: left by an earlier configuration. So is a local route of ours
            // with VIPs on lo as addresses (localRoute turned off): the address made its own local route.
            foreach (var stale in routed.Where(r => !announce.Vips.Any(v => v.Address.Equals(r))))
            {
                _kernel.Routes.Delete(stale, announce.Table, announce.Protocol, lo);
                LogStaleRoute(_logger, stale, announce.Table);
            }

            foreach (var stale in local.Where(r => !announce.LocalRoute || !announce.Vips.Any(v => v.Address.Equals(r))))
            {
                _kernel.Routes.Delete(stale, RouteConstants.TableLocal, announce.Protocol, lo, local: true);
                LogStaleRoute(_logger, stale, RouteConstants.TableLocal);
            }
        }, "announcing");
        if (ok && _lastError is not null)
        {
            LogRecovered(_logger);
            _lastError = null;
        }
    }

    /// <summary>
    /// The VIP an address of this director: on lo (the default), or with <c>localRoute</c> a local route of our protocol in
    /// the local table and no address (an address on lo from before is moved: removed, then the route added at once).
    /// </summary>
    private void MakeLocal(IPAddress vip, AnnounceConfig announce, int lo, HashSet<IPAddress> onLo, HashSet<IPAddress> local)
    {
        if (!announce.LocalRoute)
        {
            if (!onLo.Contains(vip) && _kernel.Links.AddAddress(lo, vip, RouteTables.HostPrefix(vip)))
            {
                LogVipOnLoopback(_logger, vip);
            }

            return;
        }

        if (onLo.Contains(vip) && _kernel.Links.DeleteAddress(lo, vip, RouteTables.HostPrefix(vip)))
        {
            LogVipOffLoopback(_logger, vip);
        }

        if (!local.Contains(vip) && _kernel.Routes.Add(vip, RouteConstants.TableLocal, announce.Protocol, lo, local: true))
        {
            LogVipLocalRoute(_logger, vip, announce.Protocol);
        }
    }

    private VipConditions ConditionsOf(AnnouncedVipConfig vip, Dictionary<string, bool> trackers)
    {
        string? tracker = vip.Track.FirstOrDefault(t => trackers.TryGetValue(t, out var up) && !up);
        string? shortService = null;
        foreach (var server in _config.VirtualServers)
        {
            if (server.Vip is { } address && address.Equals(vip.Address))
            {
                var up = _realServersUp(server.Name);
                if (up < vip.MinHealthy)
                {
                    shortService = $"{server.Name}: {up} of {server.RealServers.Count} real server(s) up, needs {vip.MinHealthy}";
                    break;
                }
            }
        }

        return new VipConditions(shortService, tracker);
    }

    private void Record(AnnouncementDecision decision)
    {
        _decisions.TryGetValue(decision.Vip, out var before);
        _decisions[decision.Vip] = decision;
        _metrics?.Set(decision.Vip, decision.Reason);
        if (before?.Reason == decision.Reason)
        {
            return;
        }

        if (decision.Announce)
        {
            LogAnnouncing(_logger, decision.Vip);
        }
        else
        {
            LogWithdrawn(_logger, decision.Vip, AnnounceNames.Of(decision.Reason), decision.Detail ?? "");
        }
    }

    private int LoopbackIndex() =>
        _kernel.Links.GetLink(Loopback)?.Index ?? throw new HostConditionException("no interface lo: announced VIPs live on lo");

    /// <summary>Set at start and on every reload; one that cannot be set is logged, and announcing goes on without it.</summary>
    private void SetKernelParameters()
    {
        var ipv4 = _config.Announce?.Vips.Any(v => v.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) == true;
        foreach (var (path, value) in ipv4 ? [.. KernelParameters, .. ArpParameters] : KernelParameters)
        {
            try
            {
                _kernel.Sysctls.Write(path, value);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogSettingFailed(_logger, path.Replace('/', '.'), value, ex.Message);
            }
        }
    }

    /// <summary>A kernel failure is logged once until it changes (the next pass retries); the daemon runs on.</summary>
    private bool Try(Action action, string what)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            var error = $"{what}: {ex.Message}";
            if (error != _lastError)
            {
                _lastError = error;
                LogFailed(_logger, error);
            }

            return false;
        }
    }

    private async Task ObserveAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogServicesFailed(_logger, ex.Message);
        }
    }

    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "announcing {Vip}: this director is a next hop for it")]
    private static partial void LogAnnouncing(ILogger logger, IPAddress vip);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "withdrew {Vip} ({Reason}) {Detail}")]
    private static partial void LogWithdrawn(ILogger logger, IPAddress vip, string reason, string detail);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "added {Vip} to lo (announced VIPs live there, never answered for by ARP)")]
    private static partial void LogVipOnLoopback(ILogger logger, IPAddress vip);

    [LoggerMessage(EventId = 2321, Level = LogLevel.Information, Message = "made {Vip} local by a route in the local table (proto {Protocol}, no address: announce.localRoute), never answered for by ARP")]
    private static partial void LogVipLocalRoute(ILogger logger, IPAddress vip, byte protocol);

    [LoggerMessage(EventId = 2322, Level = LogLevel.Information, Message = "removed {Vip} from lo: with announce.localRoute a local route makes it local instead")]
    private static partial void LogVipOffLoopback(ILogger logger, IPAddress vip);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "removed a route for {Destination} from table {Table} that no announced VIP has (an earlier configuration's)")]
    private static partial void LogStaleRoute(ILogger logger, IPAddress destination, uint table);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "{Error}; retried every second")]
    private static partial void LogFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "announcing works again")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "stopping: withdrew every announced VIP; forwarding on for {GraceMs} ms while the router moves the flows")]
    private static partial void LogStopGrace(ILogger logger, long graceMs);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning, Message = "could not set {Setting}={Value}: {Error}; announcing goes on without it")]
    private static partial void LogSettingFailed(ILogger logger, string setting, string value, string error);

    [LoggerMessage(EventId = 6076, Level = LogLevel.Warning, Message = "starting in maintenance: {What} withdrawn by `hadirector failover` before this start (kept in {File}); `hadirector resume` announces again")]
    private static partial void LogMaintenanceRestored(ILogger logger, string what, string file);

    [LoggerMessage(EventId = 6077, Level = LogLevel.Error, Message = "{Problem}: counted as maintenance of every announced VIP (the safe side); `hadirector resume` announces again")]
    private static partial void LogStateUnreadable(ILogger logger, string problem);

    [LoggerMessage(EventId = 6078, Level = LogLevel.Error, Message = "maintenance not kept across a restart: {Error}")]
    private static partial void LogNotKept(ILogger logger, string error);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Error, Message = "programming the announced VIPs' IPVS services failed: {Error}; the reconciler retries")]
    private static partial void LogServicesFailed(ILogger logger, string error);
}
