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
/// IPVS services and VIPs (services first), gratuitous ARP or (IPv6) unsolicited neighbour adverts through libpcap;
/// records state for status and metrics.
/// </summary>
public sealed partial class VrrpInstanceRuntime : IVrrpActionSink
{
    private readonly int _interfaceIndex;
    private volatile Wiring _wiring;
    private readonly ILinks _links;
    private readonly GarpScheduler _garp;
    private readonly DirectorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OffPathLog _offPath;
    private readonly IInstanceServices _services;
    private readonly OrderedHostActions _actions;
    private int _state;
    private readonly Lock _seriesGate = new();
    private bool _retired;

    /// <summary>The coalescing key of this instance's own periodic advert (see <see cref="OrderedHostActions"/>).</summary>
    private static readonly object OwnAdvert = new();

    public VrrpInstanceRuntime(VrrpInstanceConfig config, int interfaceIndex, IPAddress primary, VrrpChannel channel,
        ILinks links, GarpScheduler garp, IInstanceServices services, DirectorMetrics metrics, TimeProvider time, ILogger logger,
        OffPathLog offPath)
    {
        _services = services;
        _offPath = offPath;
        _interfaceIndex = interfaceIndex;
        _wiring = new Wiring(config, primary);
        Channel = channel;
        _links = links;
        _garp = garp;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        Since = time.GetUtcNow();
        _metrics.VrrpState.WithLabels(config.Name).Set((int)VrrpState.Initialize);
        _metrics.Publish(config.Name, config.Interface, config.Family);
        _actions = new OrderedHostActions(ex => _offPath.Post(() => LogQueuedActionFailed(_logger, Name, ex.Message, ex)));
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

    public GarpScheduler Garp => _garp;

    /// <summary>The election's state as of its last transition; lock-free (sync group gates read it from other threads).</summary>
    public VrrpState State => (VrrpState)Volatile.Read(ref _state);

    /// <summary>
    /// Each transition, on the election's thread while it holds its lock (sync groups, notify hooks): handlers only
    /// queue work, never post back to an election or block.
    /// </summary>
    public event Action<VrrpInstanceRuntime, VrrpAction.StateChanged>? Transitioned;

    public void Execute(VrrpInstanceOptions instance, VrrpAction action)
    {
        switch (action)
        {
            case VrrpAction.StateChanged changed:
                // At once, even while earlier actions wait: status shows the election's state.
                Since = _time.GetUtcNow();
                LastCause = changed.Cause;
                _state = (int)changed.To;
                // Off the takeover path: the addresses, advert and GARP that follow in this batch go first.
                ThreadPool.UnsafeQueueUserWorkItem(c => RecordTransition(c), changed, preferLocal: false);
                Transitioned?.Invoke(this, changed);
                break;
            case VrrpAction.SendAdvert send:
                var packet = instance.CreateAdvert(send.Priority);
                _actions.Post(Task.CompletedTask, () => SendAdvert(packet), send.Priority == VrrpPacket.PriorityStop ? null : OwnAdvert);
                break;
            case VrrpAction.AddVirtualAddresses add:
                // The services first (DESIGN.md §3): the VIPs, the advert and GARP wait for them, the election does not.
                var services = _services.ActivateAsync(Config);
                HaDirector.Vrrp.Timing.TakeoverTrace.Mark("services-asked");
                // Only while still master: one outvoted meanwhile has queued the removal, but must not hold the VIP
                // even for that moment (the peer holds it: two masters on the wire).
                _actions.Post(services, () => AddAddresses(add.Addresses), stillWanted: () => Volatile.Read(ref _state) == (int)VrrpState.Master);
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
                _actions.Post(() => _garp.Start(garp.Addresses));
                break;
            case VrrpAction.StopGratuitousArp:
                _actions.Post(_garp.Stop);
                break;
            default:
                throw new InvalidOperationException($"unknown VRRP action {action}");
        }
    }

    /// <summary>Completes when every host action posted so far has been carried out.</summary>
    public Task Drained => _actions.Drained;

    private void SendAdvert(VrrpPacket packet)
    {
        var wiring = _wiring;
        Channel.SendAdvert(packet, wiring.Primary, wiring.Destinations, wiring.ChecksumMode, Hmac);
        _metrics.AdvertsSent.WithLabels(Name).Inc();
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
            var prefix = PrefixOf(vip);
            if (_links.AddAddress(_interfaceIndex, vip, prefix))
            {
                _offPath.Post(() => LogVipAdded(_logger, Name, vip, prefix, Config.Interface));
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
        _garp.Prepare(options.VirtualAddresses);
        var scratch = new byte[2048];
        var wiring = _wiring;
        foreach (var destination in wiring.Destinations)
        {
            VrrpDatagramWriter.Write(options.CreateAdvert(options.Priority), wiring.Primary, destination, scratch, wiring.ChecksumMode);
        }
        _ = _links.ListAddresses(_interfaceIndex);
        _garp.WarmUp(options.VirtualAddresses);
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
            var prefix = PrefixOf(vip);
            if (_links.DeleteAddress(_interfaceIndex, vip, prefix))
            {
                removed++;
                _offPath.Post(() => LogVipRemoved(_logger, Name, vip, prefix, Config.Interface));
            }
        }
        return removed;
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

            var present = _links.ListAddresses(_interfaceIndex).Select(a => a.Address).ToHashSet();
            var missing = Config.VirtualAddresses.Where(v => !present.Contains(v.Address)).ToList();
            var restored = missing.Where(v => _links.AddAddress(_interfaceIndex, v.Address, v.PrefixLength)).ToList();
            if (restored.Count == 0)
            {
                return;
            }

            _garp.Start([.. Config.VirtualAddresses.Select(v => v.Address)]);
            foreach (var vip in restored)
            {
                _metrics.VipReadded.WithLabels(Name).Inc();
                _offPath.Post(() => LogVipReadded(_logger, Name, vip.Address, vip.PrefixLength, Config.Interface));
            }
        }, stillWanted: () => Volatile.Read(ref _state) == (int)VrrpState.Master);
    }

    /// <summary>The addresses the interface has now, as the kernel reports them (status shows this, not the election's belief).</summary>
    public IReadOnlyList<IPAddress> AddressesOnInterface() => [.. _links.ListAddresses(_interfaceIndex).Select(a => a.Address)];

    public void RecordReceived(VrrpDatagram datagram)
    {
        _metrics.AdvertsReceived.WithLabels(Name).Inc();
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
        var before = _wiring.Config;
        _wiring = new Wiring(config, primary, before);
        ConfigureHmac(config);
        _garp.Options = new GarpOptions(config.Garp.Repeat, config.Garp.Interval, config.Garp.Refresh);
    }

    private int PrefixOf(IPAddress vip)
    {
        var wiring = _wiring;
        return (wiring.Config.VirtualAddresses.FirstOrDefault(v => v.Address.Equals(vip))
            ?? wiring.Previous?.VirtualAddresses.FirstOrDefault(v => v.Address.Equals(vip)))?.PrefixLength
            ?? (vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32);
    }

    /// <summary>What the actions read, swapped whole by a reload (they run on several threads).</summary>
    private sealed record Wiring(VrrpInstanceConfig Config, IPAddress Primary, VrrpInstanceConfig? Previous = null)
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

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "{Instance}: sent priority 0 (resigning as master)")]
    private static partial void LogResigned(ILogger logger, string instance);
}
