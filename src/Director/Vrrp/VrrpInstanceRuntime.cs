using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Kernel;
using HaDirector.Director.Metrics;
using HaDirector.Vrrp.Arp;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// Carries out one instance's election actions on the host: adverts through the interface's channel,
/// IPVS services and VIPs (services first), gratuitous ARP or (IPv6) unsolicited neighbour adverts through a packet socket;
/// records state for status and metrics.
/// </summary>
public sealed partial class VrrpInstanceRuntime : IVrrpActionSink, IDisposable
{
    private readonly int _interfaceIndex;
    private volatile Wiring _wiring;
    private readonly ILinks _links;
    private readonly GarpScheduler _garp;
    private readonly DeviceAnnouncements _announcements;
    private readonly DirectorMetrics _metrics;
    private static readonly TimeSpan ReannounceSpacing = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private long _lastReannounce;
    private int _reannounceDue;
    private readonly Lock _reannounceGate = new();
    private ITimer? _reannounceLater;
    private bool _disposed;
    private readonly ILogger _logger;
    private readonly OffPathLog _offPath;
    private readonly IInstanceServices _services;
    private readonly OrderedHostActions _actions;
    private int _state;

    /// <summary>A queued action's "still wanted" for what only a master does; made once (a master's every advert passes it).</summary>
    private readonly Func<bool> _isMaster;
    private long _transitions;
    private readonly Lock _seriesGate = new();
    private bool _retired;

    /// <summary>The coalescing key of this instance's own periodic advert (see <see cref="OrderedHostActions"/>).</summary>
    private static readonly object OwnAdvert = new();

    private VrrpInstanceOptions? _ownAdvertOptions;
    private VrrpPacket? _ownAdvert;

    // Resolved once: a labelled lookup (the label values hashed, a reader lock) on every advert, 50 a second at 20 ms,
    // was a visible share of a master's CPU. A removed instance's runtime is dropped with its series.
    private readonly Prometheus.Counter.Child _advertsSent;
    private readonly Prometheus.Counter.Child _advertsReceived;

    public VrrpInstanceRuntime(VrrpInstanceConfig config, int interfaceIndex, IPAddress primary, VrrpChannel channel,
        ILinks links, GarpScheduler garp, IInstanceServices services, DirectorMetrics metrics, TimeProvider time, ILogger logger,
        OffPathLog offPath, Func<string, GarpScheduler>? deviceGarp = null)
    {
        _services = services;
        _offPath = offPath;
        _interfaceIndex = interfaceIndex;
        _links = links;
        _wiring = new Wiring(config, primary, Placements(config, null));
        _announcements = new DeviceAnnouncements(config.Interface, garp,
            deviceGarp ?? (_ => throw new InvalidOperationException($"{config.Name}: no announcement sender for another device")));
        Channel = channel;
        _garp = garp;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        Since = time.GetUtcNow();
        _metrics.VrrpState.WithLabels(config.Name).Set((int)VrrpState.Initialize);
        _metrics.Publish(config.Name, config.Interface, config.Family);
        _advertsSent = metrics.AdvertsSent.WithLabels(config.Name);
        _advertsReceived = metrics.AdvertsReceived.WithLabels(config.Name);
        _actions = new OrderedHostActions(ex => _offPath.Post(() => LogQueuedActionFailed(_logger, Name, ex.Message, ex)));
        _isMaster = () => Volatile.Read(ref _state) == (int)VrrpState.Master;
        ConfigureHmac(config);
    }

    public string Name => _wiring.Config.Name;

    /// <summary>The configuration this instance runs (a reload may replace it, see <see cref="Reconfigure"/>).</summary>
    public VrrpInstanceConfig Config => _wiring.Config;

    public VrrpChannel Channel { get; }

    public IPAddress PrimaryAddress => _wiring.Primary;

    /// <summary>When the instance entered its current state.</summary>
    public DateTimeOffset Since { get; private set; }

    public VrrpTransitionCause? LastCause { get; private set; }

    /// <summary>The announcements on the instance's own interface.</summary>
    public GarpScheduler Garp => _garp;

    /// <summary>Every announcement sent so far, on the instance's interface and on the other devices of its addresses.</summary>
    public long AnnouncementsSent => _announcements.FramesSent;

    /// <summary>The election's state as of its last transition; lock-free (sync group gates read it from other threads).</summary>
    public VrrpState State => (VrrpState)Volatile.Read(ref _state);

    /// <summary>Transitions so far; lock-free: an unchanged count with <see cref="State"/> Master is one unbroken mastership.</summary>
    public long Transitions => Interlocked.Read(ref _transitions);

    /// <summary>
    /// Each transition, on the election's thread while it holds its lock (sync groups, notify hooks): handlers only
    /// queue work, never post back to an election or block.
    /// </summary>
    public event Action<VrrpInstanceRuntime, VrrpAction.StateChanged>? Transitioned;

    public void Execute(VrrpInstanceOptions instance, VrrpAction action)
    {
        if (action is VrrpAction.SendAdvert send)
        {
            // A master's own advert, queued behind a takeover, only while still master (one outvoted meanwhile must not
            // advertise the priority it lost with); a resignation's priority 0 always goes.
            var own = send.Priority != VrrpPacket.PriorityStop;
            _actions.Post(Task.CompletedTask, static s => s.Runtime.SendAdvert(s.Packet), (Runtime: this, Packet: AdvertOf(instance, send.Priority)),
                own ? OwnAdvert : null, own ? _isMaster : null);
            return;
        }

        // Apart: the lambdas below share one closure object for the whole switch, made on entry whatever the case.
        ExecuteOther(action);
    }

    private void ExecuteOther(VrrpAction action)
    {
        switch (action)
        {
            case VrrpAction.StateChanged changed:
                // At once, even while earlier actions wait: status shows the election's state.
                Since = _time.GetUtcNow();
                LastCause = changed.Cause;
                Interlocked.Increment(ref _transitions);
                _state = (int)changed.To;
                // Off the takeover path: the addresses, advert and GARP that follow in this batch go first.
                ThreadPool.UnsafeQueueUserWorkItem(c => RecordTransition(c), changed, preferLocal: false);
                Transitioned?.Invoke(this, changed);
                break;
            case VrrpAction.AddVirtualAddresses add:
                // The services first (DESIGN.md §3): the VIPs, the advert and GARP wait for them, the election does not.
                var services = _services.ActivateAsync(Config);
                HaDirector.Vrrp.Timing.TakeoverTrace.Mark("services-asked");
                // Only while still master: one outvoted meanwhile has queued the removal, but must not hold the VIP
                // even for that moment (the peer holds it: two masters on the wire).
                _actions.Post(services, () => AddAddresses(add.Addresses), stillWanted: _isMaster);
                break;
            case VrrpAction.RemoveVirtualAddresses remove:
                // A master losing some VIPs to a reload keeps its services; one that left master (this batch's
                // StateChanged already ran) does not.
                var leaving = Volatile.Read(ref _state) != (int)VrrpState.Master;
                _actions.Post(() =>
                {
                    RemoveAddresses(remove.Addresses);
                    if (leaving)
                    {
                        _services.Deactivate(Config);
                    }
                });
                break;
            case VrrpAction.StartGratuitousArp garp:
                // Queued behind a takeover's VIPs, only while still master: one outvoted meanwhile did not add them (see
                // AddVirtualAddresses) and must not point the router at itself.
                _actions.Post(Task.CompletedTask, () => _announcements.Start(garp.Addresses, DeviceNameOf), stillWanted: _isMaster);
                break;
            case VrrpAction.StopGratuitousArp:
                _actions.Post(_announcements.Stop);
                break;
            case VrrpAction.LimitLearnedInterval limited:
                _metrics.LearnedIntervalLimited.WithLabels(Name).Inc();
                _offPath.Post(() => LogIntervalLimited(_logger, Name, limited.Source, limited.Advertised.TotalMilliseconds, limited.Used.TotalMilliseconds));
                break;
            default:
                throw new InvalidOperationException($"unknown VRRP action {action}");
        }
    }

    /// <summary>A backup about to act on a timer first takes the adverts waiting in its socket (see IVrrpActionSink).</summary>
    public void CatchUp() => Channel.CatchUp();

    /// <summary>Completes when every host action posted so far has been carried out.</summary>
    public Task Drained => _actions.Drained;

    /// <summary>
    /// The advert to send: a master's periodic one is made once per set of options (a reload brings new ones), not per
    /// advert. Called under the driver's lock only.
    /// </summary>
    private VrrpPacket AdvertOf(VrrpInstanceOptions instance, byte priority)
    {
        if (priority != instance.Priority)
        {
            return instance.CreateAdvert(priority);
        }

        if (!ReferenceEquals(_ownAdvertOptions, instance))
        {
            _ownAdvert = instance.CreateAdvert(priority);
            _ownAdvertOptions = instance;
        }

        return _ownAdvert!;
    }

    private void SendAdvert(VrrpPacket packet)
    {
        var wiring = _wiring;
        Channel.SendAdvert(packet, wiring.Primary, wiring.Destinations, wiring.ChecksumMode, Hmac);
        _advertsSent.Inc();
        if (packet.Priority == VrrpPacket.PriorityStop)
        {
            _metrics.PriorityZeroSent.WithLabels(Name).Inc();
            _offPath.Post(() => LogResigned(_logger, Name));
        }
    }

    private void AddAddresses(IReadOnlyList<IPAddress> addresses)
    {
        foreach (var vip in addresses)
        {
            var at = PlacementOf(vip);
            if (at.Index <= 0)
            {
                _offPath.Post(() => LogNoDevice(_logger, Name, vip, at.Device));
            }
            else if (_links.AddAddress(at.Index, vip, at.PrefixLength, at.Label))
            {
                _offPath.Post(() => LogVipAdded(_logger, Name, vip, at.PrefixLength, at.Device));
            }
        }
    }

    private void RecordTransition(VrrpAction.StateChanged changed)
    {
        lock (_seriesGate)
        {
            if (_retired)
            {
                return;
            }

            // The latest state, not this transition's: queued updates may run out of order.
            _metrics.VrrpState.WithLabels(Name).Set(Volatile.Read(ref _state));
            _metrics.VrrpTransitions.WithLabels(Name, changed.To.ToString().ToLowerInvariant(), changed.Cause.ToString()).Inc();
        }
    }

    /// <summary>
    /// Drops this instance's series for good (a reload removed it). The stop's last transition is recorded on the
    /// thread pool and may still be queued when the instance is drained: under the same gate, so it cannot
    /// re-create the state series after they are gone.
    /// </summary>
    public void ForgetMetrics()
    {
        lock (_seriesGate)
        {
            _retired = true;
            _metrics.Forget(Name);
        }
    }

    /// <summary>
    /// Runs the takeover path once without side effects (GARP frames, advert encoding, the address query),
    /// so the first takeover is not slowed by first-use initialisation.
    /// </summary>
    public void WarmUp(VrrpInstanceOptions options)
    {
        _garp.Prepare(options.HeldAddresses.Where(a => DeviceNameOf(a) == Config.Interface));
        var scratch = new byte[2048];
        var wiring = _wiring;
        foreach (var destination in wiring.Destinations)
        {
            VrrpDatagramWriter.Write(options.CreateAdvert(options.Priority), wiring.Primary, destination, scratch, wiring.ChecksumMode);
        }
        _ = _links.ListAddresses(_interfaceIndex);
        _garp.WarmUp(options.HeldAddresses);
        VrrpInstanceDriver.WarmUp(options);
        // The first WithLabels of a label set creates the series: not on the first advert as master.
        _ = _metrics.AdvertsSent.WithLabels(Name);
        _ = _metrics.PriorityZeroSent.WithLabels(Name);
        _ = _metrics.VipReadded.WithLabels(Name);
        _ = _metrics.AddressConflicts.WithLabels(Name);
    }

    /// <summary>Removes this instance's VIPs (also used at start-up for those a crash left behind).</summary>
    public int RemoveAddresses(IEnumerable<IPAddress> addresses)
    {
        var removed = 0;
        foreach (var vip in addresses)
        {
            var at = PlacementOf(vip);
            if (at.Index > 0 && _links.DeleteAddress(at.Index, vip, at.PrefixLength))
            {
                removed++;
                _offPath.Post(() => LogVipRemoved(_logger, Name, vip, at.PrefixLength, at.Device));
            }
        }
        return removed;
    }

    /// <summary>
    /// Another host announced a VIP this master holds (a backup that missed our adverts and took over, whose adverts we
    /// missed in turn): announce ours again, or the LAN's router sends to that host until its neighbour entry fails
    /// (5-10 s, seen under VRRP loss). At most one burst per <see cref="ReannounceSpacing"/>: in a split brain both
    /// masters hear each other's announcements, and a burst per claim would be a GARP war that never ends. A claim
    /// inside the spacing is answered when the spacing ends, not dropped: under 30 % VRRP loss the peer took over and
    /// announced several times a second, and a claim 0.6 s after our burst left the router at the peer for 6-8 s (the
    /// chaos soak's late <c>loss-30</c> recoveries); the last word on the router must be ours.
    /// </summary>
    public void Reannounce()
    {
        if (Volatile.Read(ref _state) != (int)VrrpState.Master)
        {
            return;
        }

        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastReannounce);
        if (last != 0 && _time.GetElapsedTime(last, now) is var since && since < ReannounceSpacing)
        {
            if (Interlocked.Exchange(ref _reannounceDue, 1) == 0)
            {
                ReannounceLater(ReannounceSpacing - since);
            }

            return;
        }

        Interlocked.Exchange(ref _lastReannounce, now);

        _actions.Post(Task.CompletedTask, () =>
        {
            if (Volatile.Read(ref _state) == (int)VrrpState.Master)
            {
                _announcements.Start([.. _wiring.Config.HeldAddresses.Select(v => v.Address)], DeviceNameOf);
            }
        });
    }

    private void ReannounceLater(TimeSpan delay)
    {
        lock (_reannounceGate)
        {
            if (_disposed)
            {
                return;
            }

            _reannounceLater ??= _time.CreateTimer(_ =>
            {
                Interlocked.Exchange(ref _reannounceDue, 0);
                Reannounce();
            }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _reannounceLater.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// The VIP guard's repair, when an address of this instance left the interface: a master adds back every VIP that is
    /// missing and announces them again (logged and counted). In order with the election's actions, and only while still
    /// master when it runs: one that is leaving removed them itself.
    /// </summary>
    public void RestoreAddresses()
    {
        if (Volatile.Read(ref _state) != (int)VrrpState.Master)
        {
            return;
        }

        _actions.Post(Task.CompletedTask, () =>
        {
            // Checked again here: an action run inline skips stillWanted, and the election may have moved on meanwhile.
            if (Volatile.Read(ref _state) != (int)VrrpState.Master)
            {
                return;
            }

            var wiring = _wiring;
            var present = PresentAddresses(wiring);
            var restored = wiring.Config.HeldAddresses
                .Where(v => !present.Contains(v.Address) && wiring.Placements[v.Address] is { Index: > 0 } at
                    && _links.AddAddress(at.Index, v.Address, v.PrefixLength, v.Label))
                .ToList();
            if (restored.Count == 0)
            {
                return;
            }

            _announcements.Start([.. wiring.Config.HeldAddresses.Select(v => v.Address)], DeviceNameOf);
            foreach (var vip in restored)
            {
                _metrics.VipReadded.WithLabels(Name).Inc();
                _offPath.Post(() => LogVipReadded(_logger, Name, vip.Address, vip.PrefixLength, wiring.Config.DeviceOf(vip)));
            }
        }, stillWanted: _isMaster);
    }

    /// <summary>The addresses the interface has now, as the kernel reports them (status shows this, not the election's belief).</summary>
    public IReadOnlyList<IPAddress> AddressesOnInterface() => [.. _links.ListAddresses(_interfaceIndex).Select(a => a.Address)];

    /// <summary>This instance's addresses that are on their own device now, as the kernel reports them.</summary>
    public IReadOnlySet<IPAddress> HeldAddressesPresent() => PresentAddresses(_wiring);

    /// <summary>Every held address found on the device it belongs on (one query per device).</summary>
    private HashSet<IPAddress> PresentAddresses(Wiring wiring)
    {
        var present = new HashSet<IPAddress>();
        foreach (var device in wiring.Config.HeldAddresses.GroupBy(v => wiring.Placements[v.Address].Index))
        {
            if (device.Key <= 0)
            {
                continue;
            }

            var there = _links.ListAddresses(device.Key).Select(a => a.Address).ToHashSet();
            present.UnionWith(device.Select(v => v.Address).Where(there.Contains));
        }
        return present;
    }

    /// <summary>The interfaces other than the instance's own that its addresses go on.</summary>
    public IReadOnlyList<(string Name, int Index)> OtherDevices() =>
        [.. _wiring.Placements.Values.Where(p => p.Index != _interfaceIndex && p.Index > 0).Select(p => (p.Device, p.Index)).Distinct()];

    public void RecordReceived(VrrpDatagram datagram)
    {
        _advertsReceived.Inc();
        if (datagram.Packet.Priority == VrrpPacket.PriorityStop)
        {
            _metrics.PriorityZeroReceived.WithLabels(Name).Inc();
        }
    }

    /// <summary>
    /// A reload's new settings for this same virtual router (the caller then reconfigures the driver, whose actions use
    /// them). A VIP the reload removed is still found for its prefix until it is gone from the interface.
    /// </summary>
    public void Reconfigure(VrrpInstanceConfig config, IPAddress primary)
    {
        var before = _wiring;
        _wiring = new Wiring(config, primary, Placements(config, before.Placements));
        ConfigureHmac(config);
        _announcements.Options = new GarpOptions(config.Garp.Repeat, config.Garp.Interval, config.Garp.Refresh);
        MoveAddresses(before);
    }

    /// <summary>
    /// A reload that gives a held address another <c>dev</c>, <c>label</c> or prefix: the election sees the same address
    /// and does nothing, so a master moves it here (in order with its actions, no transition) and announces it again.
    /// </summary>
    private void MoveAddresses(Wiring before)
    {
        var moved = _wiring.Config.HeldAddresses
            .Where(v => before.Placements.TryGetValue(v.Address, out var was) && was != _wiring.Placements[v.Address])
            .Select(v => (Address: v.Address, From: before.Placements[v.Address], To: _wiring.Placements[v.Address]))
            .ToList();
        if (moved.Count == 0 || Volatile.Read(ref _state) != (int)VrrpState.Master)
        {
            return;
        }

        _actions.Post(Task.CompletedTask, () =>
        {
            foreach (var (address, from, to) in moved)
            {
                if (from.Index > 0 && _links.DeleteAddress(from.Index, address, from.PrefixLength))
                {
                    _offPath.Post(() => LogVipRemoved(_logger, Name, address, from.PrefixLength, from.Device));
                }
            }

            AddAddresses([.. moved.Select(m => m.Address)]);
            _announcements.Start([.. _wiring.Config.HeldAddresses.Select(v => v.Address)], DeviceNameOf);
        }, stillWanted: _isMaster);
    }

    /// <summary>Where each held address goes; an address a reload removed keeps its old place until it is gone.</summary>
    private Dictionary<IPAddress, Placement> Placements(VrrpInstanceConfig config, IReadOnlyDictionary<IPAddress, Placement>? previous)
    {
        var placements = previous is null ? [] : new Dictionary<IPAddress, Placement>(previous);
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal) { [config.Interface] = _interfaceIndex };
        foreach (var vip in config.HeldAddresses)
        {
            var device = config.DeviceOf(vip);
            if (!indexes.TryGetValue(device, out var index))
            {
                // A device that does not exist (the host check refuses it at start and reload) holds nothing.
                index = _links.GetLink(device)?.Index ?? 0;
                indexes[device] = index;
            }

            placements[vip.Address] = new Placement(device, index, vip.PrefixLength, vip.Label);
        }
        return placements;
    }

    private Placement PlacementOf(IPAddress vip) =>
        _wiring.Placements.TryGetValue(vip, out var at)
            ? at
            : new Placement(Config.Interface, _interfaceIndex, vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32, null);

    private string DeviceNameOf(IPAddress vip) => PlacementOf(vip).Device;

    /// <summary>Where an address goes: its device (name and index; 0 when there is none), prefix length and label.</summary>
    private sealed record Placement(string Device, int Index, int PrefixLength, string? Label);

    /// <summary>What the actions read, swapped whole by a reload (they run on several threads).</summary>
    private sealed record Wiring(VrrpInstanceConfig Config, IPAddress Primary, Dictionary<IPAddress, Placement> Placements)
    {
        public IReadOnlyList<IPAddress> Destinations { get; } =
            Config.UnicastPeers.Count > 0 ? [.. Config.UnicastPeers] : [VrrpCodec.MulticastGroupOf(Config.Family)];

        public VrrpChecksumMode ChecksumMode { get; } = Config.V3Checksum;
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "{Instance}: added {Vip}/{Prefix} on {InterfaceName}")]
    private static partial void LogVipAdded(ILogger logger, string instance, IPAddress vip, int prefix, string interfaceName);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "{Instance}: removed {Vip}/{Prefix} from {InterfaceName}")]
    private static partial void LogVipRemoved(ILogger logger, string instance, IPAddress vip, int prefix, string interfaceName);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "{Instance}: a host action failed: {Error}")]
    private static partial void LogQueuedActionFailed(ILogger logger, string instance, string error, Exception ex);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning,
        Message = "{Instance}: {Vip}/{Prefix} was removed from {InterfaceName} by someone else while master: added back and announced again")]
    private static partial void LogVipReadded(ILogger logger, string instance, IPAddress vip, int prefix, string interfaceName);

    [LoggerMessage(EventId = 1470, Level = LogLevel.Warning,
        Message = "{Instance}: master {Source} advertises every {AdvertisedMs} ms, longer than learnedIntervalLimit: waiting as for {UsedMs} ms (a forged or misconfigured advert)")]
    private static partial void LogIntervalLimited(ILogger logger, string instance, IPAddress source, double advertisedMs, double usedMs);

    [LoggerMessage(EventId = 1400, Level = LogLevel.Error,
        Message = "{Instance}: {Vip} is not added: its device {Device} does not exist (vrrp.instances[].virtualAddresses[].dev)")]
    private static partial void LogNoDevice(ILogger logger, string instance, IPAddress vip, string device);

    /// <summary>Releases the announcement schedulers (the instance's own and those of its other devices).</summary>
    public void Dispose()
    {
        lock (_reannounceGate)
        {
            _disposed = true;
            _reannounceLater?.Dispose();
        }

        _announcements.Dispose();
    }

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "{Instance}: sent priority 0 (resigning as master)")]
    private static partial void LogResigned(ILogger logger, string instance);
}
