using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Configuration;
using HaDirector.Director.Kernel;
using HaDirector.Director.Metrics;
using HaDirector.Vrrp.Arp;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Timing;
using HaDirector.Vrrp.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// Runs every configured VRRP instance: one socket, GARP sender and link watch per interface, one election
/// driver per instance. Start-up removes VIPs a crash left behind before any instance enters Backup;
/// stopping resigns (priority 0) and removes the VIPs before the process exits. A reload changes only the
/// instances it names (see <see cref="RetireAsync"/> and <see cref="ApplyAsync"/>): the others never notice.
/// </summary>
public sealed partial class VrrpService : IHostedService, IDisposable
{
    /// <summary>How often a failed ARP or neighbour-discovery watch tries its packet socket again.</summary>
    internal static readonly TimeSpan WatchRetry = TimeSpan.FromSeconds(1);

    private readonly DirectorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly IInstanceServices _services;
    private readonly IHostKernel _kernel;
    private readonly Dictionary<string, VrrpInterface> _interfaces = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly OffPathLog _offPath = new();
    private readonly TrackingApplier _tracking;
    private readonly IInstanceTracking _trackers;
    private readonly SyncGroupLinks _syncGroups = new();
    private readonly NotifyHooks? _notify;

    // The devices that only addresses with their own dev are on (not an instance's interface): their announcement
    // sender and VIP guard, shared by every instance, kept until the service stops.
    private readonly Dictionary<string, IArpSender> _deviceSenders = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Task> _deviceGuards = [];
    private readonly CancellationTokenSource _stopping = new();
    private DirectorConfig _config;
    private volatile VrrpInstance[] _instances = [];
    private bool _disposed;

    /// <param name="time">In the daemon a <see cref="PreciseTimeProvider"/>: timers fire on a dedicated thread at their
    /// deadline (the backup's Master_Down timer is takeover time), and the receive threads take its scheduling.</param>
    public VrrpService(DirectorConfig config, IHostKernel kernel, DirectorMetrics metrics, Prometheus.CollectorRegistry registry,
        TimeProvider time, IInstanceServices services, ILoggerFactory loggers, VrrpHooks? hooks = null)
    {
        _trackers = hooks?.Tracking ?? NoTracking.Instance;
        _tracking = new TrackingApplier(_trackers, hooks?.Metrics);
        _notify = hooks is null ? null : new NotifyHooks(hooks.Commands, hooks.Metrics, loggers.CreateLogger("HaDirector.Vrrp.Notify"));
        _trackers.Changed += Retrack;
        _kernel = kernel;
        _services = services;
        // GARP frames are counted by each scheduler; copy them into the counter only when scraped.
        registry.AddBeforeCollectCallback(() =>
        {
            foreach (var instance in _instances)
            {
                metrics.GarpSent.WithLabels(instance.Config.Name).IncTo(instance.Runtime.AnnouncementsSent);
            }
        });
        _config = config;
        _metrics = metrics;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<VrrpService>();
    }

    /// <summary>The running instances (a snapshot: a reload replaces the list).</summary>
    public IReadOnlyList<VrrpInstance> Instances => _instances;

    /// <summary>An instance's effective priority and failing fault trackers as last given to its election.</summary>
    public HaDirector.Vrrp.Tracking.TrackingVerdict? TrackingOf(string instance) => _tracking.Of(instance);

    /// <summary>Completes when every notify hook queued so far has run.</summary>
    public Task NotifyDrained => _notify?.Drained ?? Task.CompletedTask;

    /// <summary>The sync group an instance is in; null for none.</summary>
    public string? SyncGroupOf(string instance) => _syncGroups.GroupOf(instance);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The cold start's marks (HADIRECTOR_TRACE_TAKEOVER=1, bench/failover/cold-start): where a start's seconds go.
        TakeoverTrace.Mark("vrrp-start");
        var created = new List<VrrpInstance>();
        foreach (var group in _config.Vrrp.Instances.GroupBy(ChannelKey, StringComparer.Ordinal))
        {
            var iface = OpenInterface(group.First());
            var instances = group.Select(c => CreateInstance(iface, c, c.UnicastSource ?? PrimaryAddress(iface, _config))).ToList();
            iface.Channel.Route(instances);
            StartWatches(iface);
            created.AddRange(instances);
        }
        _instances = [.. created];
        GuardOtherDevices();
        _syncGroups.Attach(_config.Vrrp.SyncGroups, _instances);
        _notify?.Attach(_config, _instances);
        TakeoverTrace.Mark("vrrp-instances-made");
        foreach (var instance in created)
        {
            _tracking.Arm(instance.Config.Name, instance.Driver);
            instance.Driver.Start();
        }
        // A tracker that changed while the instances were being made.
        Retrack();
        TakeoverTrace.Mark("vrrp-instances-started");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var instances = _instances;
            // Resign first, while the sockets are still open: the backup then waits only Skew_Time.
            foreach (var instance in instances)
            {
                instance.Driver.Shutdown();
                LogStopped(_logger, instance.Config.Name, instance.Driver.State);
            }
            await DrainAsync(instances, cancellationToken);
            await NotifyDrainedAsync(cancellationToken);
            await _stopping.CancelAsync();
            await Task.WhenAll(_interfaces.Values.Select(i => i.StopAsync(TimeSpan.FromSeconds(2), cancellationToken)));
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// Reload, before IPVS takes the new table: a problem the configuration file cannot show (an interface that does
    /// not exist, one without an IPv4 address to advertise from). Null when <paramref name="next"/> can be applied.
    /// </summary>
    public string? Check(DirectorConfig next)
    {
        foreach (var group in next.Vrrp.Instances.GroupBy(ChannelKey, StringComparer.Ordinal))
        {
            if (_interfaces.ContainsKey(group.Key))
            {
                continue;
            }
            var name = group.First().Interface;
            var family = group.First().Family;
            var link = _kernel.Links.GetLink(name);
            if (link is null)
            {
                return $"interface '{name}' (vrrp.instances[].interface of {string.Join(", ", group.Select(i => i.Name))}) does not exist";
            }
            if (group.Any(i => i.UnicastSource is null) && PrimaryOf(link.Index, link.Name, family, next) is null)
            {
                return NoPrimary(name, family);
            }
        }
        foreach (var instance in next.Vrrp.Instances)
        {
            if (instance.HeldAddresses.Select(instance.DeviceOf).FirstOrDefault(d => _kernel.Links.GetLink(d) is null) is { } missing)
            {
                return $"interface '{missing}' (vrrp.instances[].virtualAddresses[].dev of {instance.Name}) does not exist";
            }
        }
        return null;
    }

    /// <summary>
    /// Reload, step 1 (before IPVS takes the new table): instances the new file drops, or gives another interface,
    /// VRID or version, resign (priority 0 from a master) and release their VIPs and services; interfaces left
    /// without instances close. Returns the names retired.
    /// </summary>
    public async Task<IReadOnlyList<string>> RetireAsync(DirectorConfig next)
    {
        await _changes.WaitAsync();
        try
        {
            var wanted = next.Vrrp.Instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
            var retiring = _instances.Where(i => !wanted.TryGetValue(i.Config.Name, out var config) || !SameRouter(i.Config, config)).ToList();
            if (retiring.Count == 0)
            {
                return [];
            }
            foreach (var instance in retiring)
            {
                instance.Driver.Shutdown();
                LogRetired(_logger, instance.Config.Name, instance.Driver.State);
            }
            await DrainAsync(retiring, CancellationToken.None);
            _instances = [.. _instances.Except(retiring)];
            _syncGroups.Attach(next.Vrrp.SyncGroups, _instances);
            foreach (var group in retiring.GroupBy(i => ChannelKey(i.Config), StringComparer.Ordinal))
            {
                var iface = _interfaces[group.Key];
                var staying = iface.Channel.Instances.Except(group).ToList();
                iface.Channel.Route(staying);
                if (staying.Count == 0)
                {
                    await iface.StopAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
                    _interfaces.Remove(group.Key);
                    iface.Dispose();
                }
            }
            foreach (var instance in retiring)
            {
                instance.Dispose();
                instance.Runtime.ForgetMetrics();
                _tracking.Forget(instance.Config.Name);
            }
            return [.. retiring.Select(i => i.Config.Name)];
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// Reload, step 2 (after IPVS took the new table): changed instances take their new settings in place, keeping
    /// their state (a master stays master and advertises the change at once); new instances start as at start-up.
    /// Untouched instances are not touched. Returns the names changed and added.
    /// </summary>
    public async Task<(IReadOnlyList<string> Changed, IReadOnlyList<string> Added)> ApplyAsync(DirectorConfig next)
    {
        await _changes.WaitAsync();
        try
        {
            var running = _instances.ToDictionary(i => i.Config.Name, StringComparer.Ordinal);
            var changed = new List<string>();
            var added = new List<VrrpInstance>();
            foreach (var group in next.Vrrp.Instances.GroupBy(ChannelKey, StringComparer.Ordinal))
            {
                var fresh = !_interfaces.TryGetValue(group.Key, out var iface);
                iface ??= OpenInterface(group.First());
                var primary = group.Any(c => c.UnicastSource is null) ? PrimaryAddress(iface, next) : null;
                var addedHere = new List<VrrpInstance>();
                var changedHere = 0;
                foreach (var config in group)
                {
                    if (!running.TryGetValue(config.Name, out var instance))
                    {
                        addedHere.Add(CreateInstance(iface, config, config.UnicastSource ?? primary!));
                    }
                    else if (!Equals(instance.Config, config))
                    {
                        var source = config.UnicastSource ?? primary!;
                        instance.Runtime.Reconfigure(config, source);
                        _tracking.Reconfigure(config, instance.Driver, ToOptions(config, source));
                        changed.Add(config.Name);
                        changedHere++;
                        LogReconfigured(_logger, config.Name, config.Priority, config.AdvertInterval.TotalMilliseconds,
                            config.VirtualAddresses.Count, instance.Driver.State);
                    }
                }
                if (addedHere.Count > 0 || changedHere > 0)
                {
                    // New receive rules (VRID, VIPs, interval, authentication, peers) from the next datagram on.
                    iface.Channel.Route([.. iface.Channel.Instances, .. addedHere]);
                }
                if (fresh)
                {
                    StartWatches(iface);
                }
                added.AddRange(addedHere);
            }
            _instances = [.. _instances, .. added];
            GuardOtherDevices();
            _syncGroups.Attach(next.Vrrp.SyncGroups, _instances);
            _notify?.Attach(next, _instances);
            foreach (var instance in added)
            {
                _tracking.Arm(instance.Config.Name, instance.Driver);
                instance.Driver.Start();
            }
            _config = next;
            return (changed, [.. added.Select(i => i.Config.Name)]);
        }
        finally
        {
            _changes.Release();
        }
    }

    public void Dispose()
    {
        // The container disposes this both as a singleton and as the hosted service it also is.
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _trackers.Changed -= Retrack;
        _stopping.Cancel();
        foreach (var instance in _instances)
        {
            instance.Dispose();
        }
        foreach (var iface in _interfaces.Values)
        {
            iface.Dispose();
        }
        foreach (var sender in _deviceSenders.Values)
        {
            sender.Dispose();
        }
        _stopping.Dispose();
        _offPath.Dispose();
        _changes.Dispose();
    }

    /// <summary>A tracker changed (on its own thread): the instances whose verdict moved hear of it at once.</summary>
    private void Retrack() => _tracking.Retrack(_instances);

    /// <summary>Interface, VRID and version make the virtual router; anything else can change in a running instance.</summary>
    private static bool SameRouter(VrrpInstanceConfig running, VrrpInstanceConfig next) =>
        running.Interface == next.Interface && running.VirtualRouterId == next.VirtualRouterId && running.Version == next.Version
        && running.Family == next.Family;

    /// <summary>
    /// An interface carries one channel per address family: IPv4 and IPv6 virtual routers are separate (RFC 5798 §1),
    /// each with its own socket, VRID space and announcements.
    /// </summary>
    private static string ChannelKey(VrrpInstanceConfig config) =>
        config.Family == AddressFamily.InterNetworkV6 ? config.Interface + " (IPv6)" : config.Interface;

    /// <summary>The link, the VIP guard and the address-conflict watch (ARP or neighbour discovery) for both families.</summary>
    private void StartWatches(VrrpInterface iface) => iface.Start(WatchLinkAsync, GuardAddressesAsync, WatchArpAsync);

    /// <summary>The priority-0 adverts and VIP removals may wait behind a takeover still programming IPVS.</summary>
    private static async Task DrainAsync(IEnumerable<VrrpInstance> instances, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(instances.Select(i => i.Runtime.Drained)).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>The STOP hooks of a stop run before the process exits, within a bound.</summary>
    private async Task NotifyDrainedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await NotifyDrained.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    private VrrpInterface OpenInterface(VrrpInstanceConfig first)
    {
        var name = first.Interface;
        var family = first.Family;
        var familyLabel = DirectorMetrics.FamilyLabel(family);
        var link = _kernel.Links.GetLink(name)
            ?? throw new HostConditionException($"interface '{name}' (vrrp.instances[].interface) does not exist");
        var channel = new VrrpChannel(_kernel.OpenVrrpSocket(name, link.Index, family), _metrics, _loggers.CreateLogger<VrrpChannel>(), _time, _offPath)
        {
            Family = family,
            RealtimePriority = (_time as PreciseTimeProvider)?.RealtimePriority, // the receive thread as the timer thread
        };
        TakeoverTrace.Mark("vrrp-socket-open", name);
        var arp = OpenArpSender(name, familyLabel);
        TakeoverTrace.Mark("arp-sender-open", name);
        // Present at 0 from the start, so an alert on their increase sees the first one.
        _ = _metrics.ForeignAdverts.WithLabels(name, familyLabel);
        _ = _metrics.VipClaims.WithLabels(name, familyLabel);
        channel.WarmUp();
        _kernel.Links.WarmUp();
        var iface = new VrrpInterface(name, link.Index, channel, arp) { Family = family };
        _interfaces.Add(ChannelKey(first), iface);
        return iface;
    }

    /// <summary>A stale handle (after a link flap) must not cost a takeover its announcement: reopened and retried.</summary>
    private ReopeningArpSender OpenArpSender(string name, string familyLabel)
    {
        var arp = new ReopeningArpSender(() => _kernel.OpenArpSender(name), ex =>
        {
            _metrics.AnnouncementErrors.WithLabels(name, familyLabel).Inc();
            _offPath.Post(() => LogAnnouncementFailed(_logger, name, ex.Message));
        });
        _ = _metrics.AnnouncementErrors.WithLabels(name, familyLabel);
        arp.WarmUp();
        return arp;
    }

    /// <summary>The announcement sender of a device that only addresses with their own dev are on (one per device).</summary>
    private IArpSender DeviceSender(string device)
    {
        lock (_deviceSenders)
        {
            // Its own handle even on a device with a VRRP channel: that interface's sender closes when a reload retires it.
            if (!_deviceSenders.TryGetValue(device, out var sender))
            {
                // One sender serves GARP and NA on such a device; its failures are counted under ipv4.
                sender = OpenArpSender(device, DirectorMetrics.FamilyLabel(System.Net.Sockets.AddressFamily.InterNetwork));
                _deviceSenders[device] = sender;
            }
            return sender;
        }
    }

    /// <summary>
    /// The VIP guard of the devices that only addresses with their own dev are on: an address of any instance removed
    /// there by someone else is put back as on the instance's own interface.
    /// </summary>
    private void GuardOtherDevices()
    {
        foreach (var (device, index) in _instances.SelectMany(i => i.Runtime.OtherDevices()).Distinct())
        {
            if (!_deviceGuards.ContainsKey(index))
            {
                _deviceGuards[index] = Task.Run(() => GuardDeviceAsync(device, index, _stopping.Token));
            }
        }
    }

    private async Task GuardDeviceAsync(string device, int index, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var removed in _kernel.Links.WatchAddressRemovalsAsync(index, cancellationToken))
            {
                foreach (var instance in _instances)
                {
                    if (instance.Config.HeldAddresses.Any(v => instance.Config.DeviceOf(v) == device && (removed is null || v.Address.Equals(removed.Address))))
                    {
                        instance.Runtime.RestoreAddresses();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or HaDirector.Linux.Interop.LinuxErrorException)
        {
            LogAddressWatchFailed(_logger, device, ex.Message);
        }
    }

    private VrrpInstance CreateInstance(VrrpInterface iface, VrrpInstanceConfig config, IPAddress primary)
    {
        var options = _tracking.Prepare(config, ToOptions(config, primary));
        var garpOptions = new GarpOptions(config.Garp.Repeat, config.Garp.Interval, config.Garp.Refresh);
        var garp = new GarpScheduler(iface.Arp, garpOptions, _time);
        var runtime = new VrrpInstanceRuntime(config, iface.Index, primary, iface.Channel, _kernel.Links, garp, _services, _metrics, _time,
            _loggers.CreateLogger("HaDirector.Vrrp." + config.Name), _offPath, device => new GarpScheduler(DeviceSender(device), garpOptions, _time));
        // A crash (kill -9) leaves the VIPs on the interface; holding them as a backup would split the cluster.
        var stale = runtime.RemoveAddresses(options.HeldAddresses);
        if (stale > 0)
        {
            LogStaleRemoved(_logger, config.Name, stale, iface.Name);
        }
        runtime.WarmUp(options);
        TakeoverTrace.Mark("instance-warm", config.Name);
        var driver = new VrrpInstanceDriver(options, runtime, _time, _loggers.CreateLogger<VrrpInstanceDriver>());
        LogConfigured(_logger, config.Name, config.VirtualRouterId, config.Priority, config.Version,
            config.AdvertInterval.TotalMilliseconds, iface.Name, primary);
        return new VrrpInstance(driver, runtime);
    }

    private async Task WatchLinkAsync(VrrpInterface iface, CancellationToken cancellationToken)
    {
        var name = iface.Name;
        try
        {
            bool? up = null;
            await foreach (var change in _kernel.Links.WatchAsync(name, cancellationToken))
            {
                if (change is { IsOperational: true, Link: { } link } && link.Index != iface.Index)
                {
                    // Deleted and made again: the socket, the ARP sender and the address edits all hold the old index
                    // (before, the instances came back from Fault deaf and unable to add a VIP). Rebuilt off this loop,
                    // which the rebuild stops.
                    LogInterfaceRecreated(_logger, name, iface.Index, link.Index);
                    _ = Task.Run(() => RebuildAsync(iface), CancellationToken.None);
                    return;
                }

                var nowUp = change.IsOperational;
                if (up == nowUp)
                {
                    continue;
                }
                // The first event is the current state: only "down" needs telling (instances start as if up).
                if (up is not null || !nowUp)
                {
                    LogLinkChanged(_logger, name, nowUp ? "up" : "down");
                    foreach (var instance in iface.Channel.Instances)
                    {
                        instance.Driver.Post(nowUp ? new VrrpInput.InterfaceUp() : new VrrpInput.InterfaceDown());
                    }
                }
                up = nowUp;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            LogLinkWatchFailed(_logger, name, ex.Message);
        }
    }

    /// <summary>
    /// An interface deleted and re-created under the same name: its instances are retired and started again on the new
    /// device, as a reload that removed and re-added them would (they start in Backup; a higher priority takes over).
    /// </summary>
    private async Task RebuildAsync(VrrpInterface iface)
    {
        try
        {
            var config = _config;
            var key = _interfaces.FirstOrDefault(p => p.Value == iface).Key;
            if (key is null)
            {
                return;
            }

            // The new device may get its address just after it comes up: wait for one to advertise from (at most 30 s).
            for (var i = 0; i < 300 && PrimaryOf(_kernel.Links.GetLink(iface.Name)?.Index ?? 0, iface.Name, iface.Family, config) is null; i++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _stopping.Token);
            }

            var without = config with { Vrrp = config.Vrrp with { Instances = [.. config.Vrrp.Instances.Where(c => ChannelKey(c) != key)] } };
            await RetireAsync(without);
            await ApplyAsync(config);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is SocketException or IOException or HaDirector.Linux.Interop.LinuxErrorException)
        {
            LogRebuildFailed(_logger, iface.Name, ex.Message);
        }
    }

    /// <summary>
    /// The VIP guard: a VIP that someone else (NetworkManager, a cloud agent, an operator) removes from a master is added
    /// back at once and announced again; the master's own removals are not re-added (it no longer wants them by then).
    /// </summary>
    private async Task GuardAddressesAsync(VrrpInterface iface, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var removed in _kernel.Links.WatchAddressRemovalsAsync(iface.Index, cancellationToken))
            {
                foreach (var instance in iface.Channel.Instances)
                {
                    if (removed is null || instance.Config.HeldAddresses.Any(v => v.Address.Equals(removed.Address)))
                    {
                        instance.Runtime.RestoreAddresses();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or HaDirector.Linux.Interop.LinuxErrorException)
        {
            LogAddressWatchFailed(_logger, iface.Name, ex.Message);
        }
    }

    /// <summary>
    /// The address-conflict watch: every ARP frame (IPv4) or neighbour solicitation and advertisement (IPv6) the interface
    /// receives (the kernel hands this socket those and nothing else) is checked for another MAC claiming one of our VIPs
    /// while we are master. Blocking reads on a thread of its
    /// own, as the VRRP receive loop; a socket that cannot be opened costs the detection, not the daemon.
    /// </summary>
    /// <summary>
    /// Reads ARP (or neighbour discovery) on the interface for other hosts claiming our VIPs. A link going down fails
    /// the packet socket ("Network is down") and the watch opens it again every <see cref="WatchRetry"/> until the
    /// link is back: a watch that stayed dead would leave a master deaf to a peer's GARP after the first flap.
    /// </summary>
    private Task WatchArpAsync(VrrpInterface iface, CancellationToken cancellationToken) => Task.Factory.StartNew(() =>
    {
        var ipv6 = iface.Family == AddressFamily.InterNetworkV6;
        var failing = false;
        var buffer = new byte[2048];
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var listener = ipv6 ? _kernel.OpenNeighbourListener(iface.Name, iface.Index) : _kernel.OpenArpListener(iface.Name, iface.Index);
                // Blocks until a frame comes or the watch is stopped: no wake-up every 250 ms on a quiet link.
                using var stop = cancellationToken.UnsafeRegister(static l => ((IArpListener)l!).StopReceiving(), listener);
                while (!cancellationToken.IsCancellationRequested)
                {
                    if (listener.Receive(buffer, Timeout.InfiniteTimeSpan) is { } length)
                    {
                        if (failing)
                        {
                            failing = false;
                            LogArpWatchResumed(_logger, iface.Name, ipv6 ? "neighbour-discovery" : "ARP");
                        }

                        iface.Channel.InspectArp(buffer.AsSpan(0, length), iface.Arp.MacAddress);
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or HaDirector.Linux.Interop.LinuxErrorException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                // Logged once a streak: a link down for an hour is one line, and its return another.
                if (!failing)
                {
                    failing = true;
                    if (ipv6)
                    {
                        LogNeighbourWatchFailed(_logger, iface.Name, ex.Message);
                    }
                    else
                    {
                        LogArpWatchFailed(_logger, iface.Name, ex.Message);
                    }
                }

                try
                {
                    Task.Delay(WatchRetry, _time, cancellationToken).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// RFC 5798 §5.1.1.1: the IPv4 source is the primary address of the interface, never one of the VIPs; §5.1.2.1: the
    /// IPv6 source is the interface's link-local address (so an interface without a global address still advertises).
    /// </summary>
    private IPAddress PrimaryAddress(VrrpInterface iface, DirectorConfig config) =>
        PrimaryOf(iface.Index, iface.Name, iface.Family, config) ?? throw new HostConditionException(NoPrimary(iface.Name, iface.Family));

    private static string NoPrimary(string name, AddressFamily family) =>
        family == AddressFamily.InterNetworkV6
            ? $"interface '{name}' has no IPv6 link-local address to send VRRP adverts from (set vrrp.instances[].unicastSource)"
            : $"interface '{name}' has no IPv4 address to send VRRP adverts from (set vrrp.instances[].unicastSource)";

    private IPAddress? PrimaryOf(int index, string name, AddressFamily family, DirectorConfig config)
    {
        // The running configuration's VIPs too: a master still holds those a reload is removing.
        var vips = config.Vrrp.Instances.Concat(_config.Vrrp.Instances)
            .SelectMany(c => c.HeldAddresses.Where(v => c.DeviceOf(v) == name)).Select(v => v.Address).ToHashSet();
        return _kernel.Links.ListAddresses(index)
            .Where(a => a.Address.AddressFamily == family && !vips.Contains(a.Address)
                && (family != AddressFamily.InterNetworkV6 || a.Address.IsIPv6LinkLocal))
            .Select(a => a.Address)
            .FirstOrDefault();
    }

    private static VrrpInstanceOptions ToOptions(VrrpInstanceConfig c, IPAddress primary) =>
        new(c.Name, (byte)c.VirtualRouterId, (byte)c.Priority, (VrrpVersion)c.Version, c.AdvertInterval, primary,
            [.. c.VirtualAddresses.Select(v => v.Address)])
        {
            ExcludedAddresses = [.. c.ExcludedAddresses.Select(v => v.Address)],
            Preempt = c.Preempt,
            PreemptDelay = c.PreemptDelay,
            Authentication = c.Authentication,
            MakeBeforeBreak = true,
            LearnedIntervalLimit = c.EffectiveLearnedIntervalLimit,
        };

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information,
        Message = "{Instance}: VRID {Vrid}, priority {Priority}, VRRPv{Version} every {IntervalMs} ms, on {InterfaceName} from {Primary}")]
    private static partial void LogConfigured(ILogger logger, string instance, int vrid, int priority, int version, double intervalMs,
        string interfaceName, IPAddress primary);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning,
        Message = "{Instance}: removed {Count} virtual address(es) left on {InterfaceName} by an earlier run")]
    private static partial void LogStaleRemoved(ILogger logger, string instance, int count, string interfaceName);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "{InterfaceName}: link {State}")]
    private static partial void LogLinkChanged(ILogger logger, string interfaceName, string state);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Error, Message = "{InterfaceName}: link monitor failed: {Error}")]
    private static partial void LogLinkWatchFailed(ILogger logger, string interfaceName, string error);

    [LoggerMessage(EventId = 1310, Level = LogLevel.Warning,
        Message = "{InterfaceName}: a gratuitous ARP send failed ({Error}); the device is reopened and the announcement retried")]
    private static partial void LogAnnouncementFailed(ILogger logger, string interfaceName, string error);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Error,
        Message = "{InterfaceName}: the address watch failed: {Error}; a VIP removed by someone else is no longer put back")]
    private static partial void LogAddressWatchFailed(ILogger logger, string interfaceName, string error);

    [LoggerMessage(EventId = 1321, Level = LogLevel.Error,
        Message = "{InterfaceName}: the ARP watch failed: {Error}; another host claiming our VIPs is not detected until it works again (retried every second)")]
    private static partial void LogArpWatchFailed(ILogger logger, string interfaceName, string error);

    [LoggerMessage(EventId = 1431, Level = LogLevel.Error,
        Message = "{InterfaceName}: the neighbour-discovery watch failed: {Error}; another host claiming our IPv6 VIPs is not detected until it works again (retried every second)")]
    private static partial void LogNeighbourWatchFailed(ILogger logger, string interfaceName, string error);

    [LoggerMessage(EventId = 2200, Level = LogLevel.Information,
        Message = "{InterfaceName}: the {Watch} watch works again; other hosts claiming our VIPs are detected again")]
    private static partial void LogArpWatchResumed(ILogger logger, string interfaceName, string watch);

    [LoggerMessage(EventId = 1630, Level = LogLevel.Warning,
        Message = "{InterfaceName}: deleted and re-created (index {OldIndex} -> {NewIndex}); its instances start again on the new device")]
    private static partial void LogInterfaceRecreated(ILogger logger, string interfaceName, int oldIndex, int newIndex);

    [LoggerMessage(EventId = 1631, Level = LogLevel.Error,
        Message = "{InterfaceName}: its instances could not start again on the re-created device: {Error}; restart hadirector")]
    private static partial void LogRebuildFailed(ILogger logger, string interfaceName, string error);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Information, Message = "{Instance}: stopped ({State})")]
    private static partial void LogStopped(ILogger logger, string instance, VrrpState state);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Information, Message = "{Instance}: removed by a reload (was {State})")]
    private static partial void LogRetired(ILogger logger, string instance, VrrpState state);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Information,
        Message = "{Instance}: reconfigured in place (priority {Priority}, every {IntervalMs} ms, {VipCount} VIP(s)); stays {State}")]
    private static partial void LogReconfigured(ILogger logger, string instance, int priority, double intervalMs, int vipCount, VrrpState state);
}
