using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Metrics;
using HaDirector.Vrrp.Arp;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using Transport = HaDirector.Vrrp.Transport;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// Carries out one instance's election actions on the host: adverts through the interface's channel,
/// IPVS services and VIPs (services first), gratuitous ARP through libpcap; records state for status and metrics.
/// </summary>
public sealed partial class VrrpInstanceRuntime : IVrrpActionSink
{
    private readonly VrrpInstanceConfig _config;
    private readonly int _interfaceIndex;
    private readonly IPAddress _primary;
    private readonly IReadOnlyList<IPAddress> _destinations;
    private readonly VrrpChecksumMode _checksumMode;
    private readonly VipManager _vips;
    private readonly GarpScheduler _garp;
    private readonly DirectorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OffPathLog _offPath;
    private readonly IInstanceServices _services;
    private readonly OrderedHostActions _actions;
    private int _state;

    /// <summary>The coalescing key of this instance's own periodic advert (see <see cref="OrderedHostActions"/>).</summary>
    private static readonly object OwnAdvert = new();

    public VrrpInstanceRuntime(VrrpInstanceConfig config, int interfaceIndex, IPAddress primary, VrrpChannel channel,
        VipManager vips, GarpScheduler garp, IInstanceServices services, DirectorMetrics metrics, TimeProvider time, ILogger logger,
        OffPathLog offPath)
    {
        _services = services;
        _offPath = offPath;
        _config = config;
        _interfaceIndex = interfaceIndex;
        _primary = primary;
        Channel = channel;
        _vips = vips;
        _garp = garp;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _destinations = config.UnicastPeers.Count > 0 ? [.. config.UnicastPeers] : [VrrpCodec.MulticastGroup];
        _checksumMode = ChecksumModeOf(config);
        Since = time.GetUtcNow();
        _metrics.VrrpState.WithLabels(config.Name).Set((int)VrrpState.Initialize);
        _actions = new OrderedHostActions(ex => _offPath.Post(() => LogQueuedActionFailed(_logger, Name, ex.Message, ex)));
    }

    public string Name => _config.Name;

    public static VrrpChecksumMode ChecksumModeOf(VrrpInstanceConfig config) =>
        config.V3Checksum == V3ChecksumMode.Rfc9568 ? VrrpChecksumMode.MessageOnly : VrrpChecksumMode.PseudoHeader;

    public VrrpChannel Channel { get; }

    public IPAddress PrimaryAddress => _primary;

    /// <summary>When the instance entered its current state.</summary>
    public DateTimeOffset Since { get; private set; }

    public VrrpTransitionCause? LastCause { get; private set; }

    public GarpScheduler Garp => _garp;

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
                break;
            case VrrpAction.SendAdvert send:
                var packet = instance.CreateAdvert(send.Priority);
                _actions.Post(Task.CompletedTask, () => SendAdvert(packet), send.Priority == VrrpPacket.PriorityStop ? null : OwnAdvert);
                break;
            case VrrpAction.AddVirtualAddresses add:
                // The services first (DESIGN.md §3): the VIPs, the advert and GARP wait for them, the election does not.
                _actions.Post(_services.ActivateAsync(_config), () => AddAddresses(add.Addresses));
                break;
            case VrrpAction.RemoveVirtualAddresses remove:
                _actions.Post(() =>
                {
                    RemoveAddresses(remove.Addresses);
                    _services.Deactivate(_config);
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
        Channel.SendAdvert(packet, _primary, _destinations, _checksumMode);
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
            if (_vips.Add(_interfaceIndex, vip, prefix))
            {
                _offPath.Post(() => LogVipAdded(_logger, Name, vip, prefix, _config.Interface));
            }
        }
    }

    private void RecordTransition(VrrpAction.StateChanged changed)
    {
        // The latest state, not this transition's: queued updates may run out of order.
        _metrics.VrrpState.WithLabels(Name).Set(Volatile.Read(ref _state));
        _metrics.VrrpTransitions.WithLabels(Name, changed.To.ToString().ToLowerInvariant(), changed.Cause.ToString()).Inc();
    }

    /// <summary>
    /// Runs the takeover path once without side effects (GARP frames, advert encoding, the address query),
    /// so the first takeover is not slowed by JIT compilation and first-use initialisation.
    /// </summary>
    public void WarmUp(VrrpInstanceOptions options)
    {
        _garp.Prepare(options.VirtualAddresses);
        var scratch = new byte[2048];
        foreach (var destination in _destinations)
        {
            VrrpCodec.Write(options.CreateAdvert(options.Priority), _primary, destination, scratch.AsSpan(Transport.Ipv4Header.Length), _checksumMode);
            Transport.Ipv4Header.Write(scratch, _primary, destination, VrrpCodec.IpProtocolNumber, 0);
        }
        _ = _vips.List(_interfaceIndex);
        _garp.WarmUp(options.VirtualAddresses);
        VrrpInstanceDriver.WarmUp(options);
        // The first WithLabels of a label set creates the series: not on the first advert as master.
        _ = _metrics.AdvertsSent.WithLabels(Name);
        _ = _metrics.PriorityZeroSent.WithLabels(Name);
    }

    /// <summary>Removes this instance's VIPs (also used at start-up for those a crash left behind).</summary>
    public int RemoveAddresses(IEnumerable<IPAddress> addresses)
    {
        var removed = 0;
        foreach (var vip in addresses)
        {
            var prefix = PrefixOf(vip);
            if (_vips.Remove(_interfaceIndex, vip, prefix))
            {
                removed++;
                _offPath.Post(() => LogVipRemoved(_logger, Name, vip, prefix, _config.Interface));
            }
        }
        return removed;
    }

    public void RecordReceived(VrrpDatagram datagram)
    {
        _metrics.AdvertsReceived.WithLabels(Name).Inc();
        if (datagram.Packet.Priority == VrrpPacket.PriorityStop)
        {
            _metrics.PriorityZeroReceived.WithLabels(Name).Inc();
        }
    }

    private int PrefixOf(IPAddress vip) =>
        _config.VirtualAddresses.FirstOrDefault(v => v.Address.Equals(vip))?.PrefixLength ?? 32;

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "{Instance}: added {Vip}/{Prefix} on {InterfaceName}")]
    private static partial void LogVipAdded(ILogger logger, string instance, IPAddress vip, int prefix, string interfaceName);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "{Instance}: removed {Vip}/{Prefix} from {InterfaceName}")]
    private static partial void LogVipRemoved(ILogger logger, string instance, IPAddress vip, int prefix, string interfaceName);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "{Instance}: a host action failed: {Error}")]
    private static partial void LogQueuedActionFailed(ILogger logger, string instance, string error, Exception ex);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "{Instance}: sent priority 0 (resigning as master)")]
    private static partial void LogResigned(ILogger logger, string instance);
}
