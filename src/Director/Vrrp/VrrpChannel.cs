using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using HaDirector.Director.Configuration;
using HaDirector.Director.Metrics;
using HaDirector.Linux.Packets;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Protocol.Authentication;
using HaDirector.Vrrp.Transport;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// The VRRP socket of one interface, shared by the instances on it: validates every received datagram
/// (RFC 5798 §7.1), counts drops by reason and hands accepted adverts to the instance with that VRID.
/// </summary>
public sealed partial class VrrpChannel : IDisposable
{
    private readonly IVrrpSocket _socket;
    private volatile Routing _routing = new(new VrrpAdvertValidator([]), new Dictionary<int, VrrpInstance>(), [], []);
    private readonly DirectorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly OffPathLog? _offPath;
    private readonly Lock _sendGate = new();
    private readonly Lock _dispatchGate = new();
    private readonly byte[] _catchUpBuffer = new byte[65536];
    private readonly byte[] _sendBuffer = new byte[2048];
    private readonly byte[] _trailer = new byte[VrrpHmacTrailer.Length];
    private int _trailerLength;
    private volatile bool _stopped;

    /// <summary>The most datagrams one <see cref="CatchUp"/> dispatches.</summary>
    private const int CatchUpLimit = 64;

    private readonly TimeProvider _time;

    /// <summary>
    /// How long after becoming master another MAC's frames for a VIP are the handover's, not a conflict: the peer that
    /// just stepped down may still have the end of its GARP burst, or an ARP request its kernel made from the VIP, on
    /// the wire. They are still answered with our announcement.
    /// </summary>
    public static readonly TimeSpan HandoverGrace = TimeSpan.FromSeconds(1);

    /// <param name="offPath">Where the drop log lines are written (off the receive thread); null: inline.</param>
    public VrrpChannel(IVrrpSocket socket, DirectorMetrics metrics, ILogger logger, TimeProvider? time = null, OffPathLog? offPath = null)
    {
        _socket = socket;
        _metrics = metrics;
        _logger = logger;
        _offPath = offPath;
        _time = time ?? TimeProvider.System;
        Foreign = new ForeignAdverts(_time);
        Conflicts = new ArpConflicts(_time);
    }

    /// <summary>The adverts this interface dropped lately (other routers, misconfigured peers), for status.</summary>
    public ForeignAdverts Foreign { get; }

    /// <summary>Other hosts that sent ARP for our VIPs while we were master, for status.</summary>
    public ArpConflicts Conflicts { get; }

    public string InterfaceName => _socket.InterfaceName;

    /// <summary>The address family of this channel's socket: its series carry it as the <c>family</c> label.</summary>
    public AddressFamily Family
    {
        get => _family;
        init
        {
            _family = value;
            _familyLabel = DirectorMetrics.FamilyLabel(value);
        }
    }

    private readonly AddressFamily _family = AddressFamily.InterNetwork;
    private readonly string _familyLabel = "ipv4";

    /// <summary>SCHED_FIFO priority for the receive thread, as for the timer thread; null: the normal policy.</summary>
    public int? RealtimePriority { get; init; }

    /// <summary>The instances this channel serves.</summary>
    public IReadOnlyCollection<VrrpInstance> Instances => _routing.ByVrid.Values;

    /// <summary>
    /// Serves exactly <paramref name="instances"/> from the next datagram on, validating against their current options
    /// (at start-up, and on a reload that adds, removes or changes instances on this interface). The receive thread
    /// reads the routing once per datagram, so a swap needs no lock.
    /// </summary>
    public void Route(IReadOnlyCollection<VrrpInstance> instances)
    {
        var validator = new VrrpAdvertValidator(instances.Select(i =>
            i.Driver.Options.CreateReceiveRules([.. i.Config.UnicastPeers], i.Config.V3Checksum)));
        var byVip = new Dictionary<IPAddress, string>();
        foreach (var instance in instances)
        {
            foreach (var vip in instance.Config.HeldAddresses)
            {
                byVip.TryAdd(vip.Address, instance.Config.Name);
            }
        }

        _routing = new Routing(validator, instances.ToDictionary(i => i.Config.VirtualRouterId), byVip, RoutedValidators(instances));
    }

    /// <summary>
    /// Sends one advert to each destination (the multicast group, or every unicast peer), with an HMAC trailer when
    /// <paramref name="hmac"/> signs: one signature for all copies (the HMAC skips the checksum, the only field that differs).
    /// </summary>
    public void SendAdvert(VrrpPacket packet, IPAddress source, IReadOnlyList<IPAddress> destinations, VrrpChecksumMode mode,
        VrrpHmacAuthenticator? hmac = null)
    {
        lock (_sendGate)
        {
            var first = true;
            for (var i = 0; i < destinations.Count; i++)
            {
                var destination = destinations[i];
                // The v3 checksum covers the destination (pseudo-header): one encode per peer.
                var header = VrrpDatagramWriter.HeaderLength(source.AddressFamily);
                var length = VrrpCodec.Write(packet, source, destination, _sendBuffer.AsSpan(header), mode);
                if (hmac is not null && Sign(hmac, source, header, length, first) is > 0 and var trailer)
                {
                    length += trailer;
                    VrrpHmacIpv6Checksum.Cover(_sendBuffer.AsSpan(header, length), source, destination);
                }

                first = false;

                VrrpDatagramWriter.WriteHeader(source, destination, _sendBuffer, length);
                _socket.Send(_sendBuffer.AsSpan(0, header + length), destination);
            }
        }
    }

    /// <summary>Signs the message in the send buffer once, then copies that trailer after each further copy.</summary>
    private int Sign(VrrpHmacAuthenticator hmac, IPAddress source, int header, int messageLength, bool first)
    {
        var message = _sendBuffer.AsSpan(header, messageLength);
        var trailer = _sendBuffer.AsSpan(header + messageLength, VrrpHmacTrailer.Length);
        if (first)
        {
            var written = hmac.Sign(message, trailer, source);
            trailer[..written].CopyTo(_trailer);
            _trailerLength = written;
        }
        else
        {
            _trailer.AsSpan(0, _trailerLength).CopyTo(trailer);
        }

        return _trailerLength;
    }

    /// <summary>
    /// Receives on a dedicated thread with blocking reads until cancelled or disposed. The backup's
    /// Master_Down_Timer restarts when an advert is processed, so every microsecond between the packet's
    /// arrival and its processing is takeover time: a blocking read wakes with the packet, where an
    /// asynchronous one waits for the epoll thread and then a thread-pool thread (measured up to 2.7 ms
    /// under load).
    /// </summary>
    public Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                if (RealtimePriority is { } priority)
                {
                    try
                    {
                        HaDirector.Linux.Interop.ThreadScheduling.SetRealtime(priority);
                    }
                    catch (HaDirector.Linux.Interop.LinuxErrorException)
                    {
                        // As the timer thread (the host logs whether real-time scheduling was granted).
                    }
                }
                ReceiveLoop(cancellationToken);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        { IsBackground = true, Name = "hadirector-vrrp-rx" };
        thread.Start();
        return done.Task;
    }

    private void ReceiveLoop(CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        // Blocks with no timeout: cancellation (or Dispose) ends the read through the socket. A poll every 250 ms woke
        // this thread four times a second on a master that hears nothing.
        using var stop = cancellationToken.UnsafeRegister(static s => ((VrrpChannel)s!).StopReceiving(), this);
        while (!cancellationToken.IsCancellationRequested && !_stopped)
        {
            int? received;
            try
            {
                received = _socket.Receive(buffer, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (cancellationToken.IsCancellationRequested || _stopped)
            {
                return;
            }

            if (received is { } length)
            {
                HaDirector.Vrrp.Timing.TakeoverTrace.Mark("rx");
                Dispatch(buffer.AsSpan(0, length));
            }
        }
    }

    /// <summary>
    /// Dispatches the datagrams already queued on the socket, at most <see cref="CatchUpLimit"/> (a flood cannot hold a
    /// backup's timer), on the calling thread: a backup's timer thread just before it acts on an expiry (see
    /// <see cref="IVrrpActionSink.CatchUp"/>). The receive thread may be stalled with the rest of the process; the
    /// datagrams it has not read yet are what this takes. Never throws: a closed or failing socket leaves it to the
    /// receive loop.
    /// </summary>
    public void CatchUp()
    {
        lock (_dispatchGate)
        {
            try
            {
                for (var i = 0; i < CatchUpLimit && _socket.TryReceive(_catchUpBuffer) is { } length; i++)
                {
                    HaDirector.Vrrp.Timing.TakeoverTrace.Mark("caught-up");
                    DispatchLocked(_catchUpBuffer.AsSpan(0, length));
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException or HaDirector.Linux.Interop.LinuxErrorException)
            {
            }
        }
    }

    /// <summary>Validates and routes one datagram; never throws on hostile bytes.</summary>
    public void Dispatch(ReadOnlySpan<byte> datagram)
    {
        // One datagram at a time: the receive thread and a backup's timer catching up (CatchUp) both dispatch.
        lock (_dispatchGate)
        {
            DispatchLocked(datagram);
        }
    }

    private void DispatchLocked(ReadOnlySpan<byte> datagram)
    {
        var routing = _routing;
        var result = routing.Validator.Validate(datagram);
        if (result.Reason == VrrpDropReason.TtlNot255 && RoutedUnicast(routing.Routed, datagram) is { } routed)
        {
            result = routed;
        }

        routing.ByVrid.TryGetValue(result.VirtualRouterId, out var instance);
        if (!result.IsAccepted)
        {
            instance?.Driver.RecordDrop(result.Reason);
            if (result.Source == UInt128.Zero)
            {
                _metrics.PacketsDropped.WithLabels(InterfaceName, result.Reason.ToString(), _familyLabel).Inc();
                LogDropped(_logger, InterfaceName, result.Reason, result.VirtualRouterId);
                return;
            }

            DroppedAdvert(routing, result);
            return;
        }
        if (instance is not null)
        {
            if (instance.Runtime.Hmac is { } hmac && !Authenticated(instance, hmac, datagram, result.Datagram!))
            {
                return;
            }

            instance.Runtime.RecordReceived(result.Datagram!);
            instance.Driver.Receive(result.Datagram!);
        }
    }

    /// <summary>
    /// A dropped advert whose sender is known: another VRRP router (its own VRID, none of our VIPs) is normal and counted
    /// apart; anything else is a misconfigured peer, logged (rate-limited) and shown in status, loudest when it claims
    /// one of our VIPs, because that peer is master too.
    /// </summary>
    private void DroppedAdvert(Routing routing, VrrpReceiveResult result)
    {
        var source = VrrpAddress.ToAddress(result.Source, result.Family);
        var claimed = result.ClaimedAddress == UInt128.Zero ? null : VrrpAddress.ToAddress(result.ClaimedAddress, result.Family);
        var foreignRouter = result.Reason == VrrpDropReason.UnknownVrid && claimed is null;
        if (foreignRouter)
        {
            _metrics.ForeignAdverts.WithLabels(InterfaceName, _familyLabel).Inc();
        }
        else
        {
            _metrics.PacketsDropped.WithLabels(InterfaceName, result.Reason.ToString(), _familyLabel).Inc();
        }

        if (claimed is not null)
        {
            _metrics.VipClaims.WithLabels(InterfaceName, _familyLabel).Inc();
        }

        if (Foreign.Record(source, result.VirtualRouterId, result.Version, result.Reason, claimed) is not { } suppressed)
        {
            return;
        }

        var name = InterfaceName;
        var vrid = result.VirtualRouterId;
        var version = (int)result.Version;
        var reason = result.Reason;
        var owner = claimed is null ? null : routing.InstanceByVip.GetValueOrDefault(claimed);
        Action log = claimed is not null
            ? () => LogVipClaimed(_logger, name, claimed, owner ?? "?", source, vrid, version, reason, suppressed)
            : foreignRouter
                ? () => LogForeignRouter(_logger, name, source, vrid, version, suppressed)
                : () => LogMismatch(_logger, name, source, vrid, version, reason, suppressed);
        if (_offPath is null)
        {
            log();
        }
        else
        {
            _offPath.Post(log);
        }
    }

    /// <summary>
    /// One ARP frame (IPv4) or neighbour solicitation or advertisement (IPv6) received on this interface: its sender
    /// claiming one of our VIPs from another MAC than <paramref name="ourMac"/> while that VIP's instance is master is an
    /// address conflict (a host that does not speak VRRP with us, or a peer whose adverts we do not hear), logged
    /// (rate-limited), counted and shown in status, and answered with our own announcement (the router comes back to
    /// us), if we are master still after <see cref="ClaimWait"/>. The daemon does not step down for it. A backup sees the master's
    /// announcements legitimately; malformed frames are ignored. See <see cref="NeighbourClaim"/> for what an IPv6 frame claims.
    /// </summary>
    public void InspectArp(ReadOnlySpan<byte> frame, PhysicalAddress ourMac)
    {
        IPAddress address;
        PhysicalAddress mac;
        string operation;
        if (ArpPacket.TryRead(frame, out var arp))
        {
            (address, mac, operation) = (arp.SenderAddress, arp.SenderMac, arp.Operation == 2 ? "reply" : "request");
        }
        else if (NeighbourClaim.TryRead(frame, out var neighbour))
        {
            (address, mac, operation) = (neighbour.Address, neighbour.Mac, neighbour.Kind switch
            {
                NeighbourClaimKind.Advertisement => "neighbour advertisement",
                NeighbourClaimKind.DuplicateAddressDetection => "duplicate address detection",
                _ => "neighbour solicitation",
            });
        }
        else
        {
            return;
        }

        if (mac.Equals(ourMac))
        {
            return;
        }

        foreach (var instance in _routing.ByVrid.Values)
        {
            // The addresses held on this interface (those with another dev are on another wire).
            if (instance.Runtime.State != VrrpState.Master
                || !instance.Config.HeldAddresses.Any(v => v.Address.Equals(address) && instance.Config.DeviceOf(v) == instance.Config.Interface))
            {
                continue;
            }

            var claim = new Claim(instance, instance.Runtime.Transitions, address, mac, operation,
                Handover: _time.GetUtcNow() - instance.Runtime.Since < HandoverGrace);
            _ = JudgeLaterAsync(claim, ClaimWait(instance.Config));
            return;
        }
    }

    /// <summary>
    /// How long a claim waits before it is judged. A peer that preempts us announces the VIPs just before its advert
    /// (VrrpStateMachine.BecomeMaster: the router is told before the old holder lets go), and this thread may see the
    /// announcement before the receive thread has handed the advert to the election. Judged at once, the new master's
    /// announcement was an "address conflict" (an error line on every preemption) and our answer pulled the router back
    /// to a node about to drop the VIP. The advert goes out in the same step as the announcement, so one advert interval
    /// (at most a second) is room enough for it; a host we do not hear is answered then.
    /// </summary>
    public static TimeSpan ClaimWait(VrrpInstanceConfig config) =>
        config.AdvertInterval < ClaimWaitLimit ? config.AdvertInterval : ClaimWaitLimit;

    private static readonly TimeSpan ClaimWaitLimit = TimeSpan.FromSeconds(1);

    /// <summary>Another MAC's frame for a VIP of <see cref="Instance"/>, master after <see cref="Transitions"/> transitions when it came.</summary>
    private sealed record Claim(VrrpInstance Instance, long Transitions, IPAddress Address, PhysicalAddress Mac, string Operation, bool Handover);

    private async Task JudgeLaterAsync(Claim claim, TimeSpan wait)
    {
        // Off the clock's thread (the daemon's is the VRRP timer thread, whose adverts must not wait for this).
        await Task.Delay(wait, _time).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        var runtime = claim.Instance.Runtime;
        if (_stopped || runtime.State != VrrpState.Master || runtime.Transitions != claim.Transitions)
        {
            return; // we left master meanwhile: the claimant was the new master, whose advert we heard
        }

        Judge(claim);
    }

    /// <summary>
    /// Still master after <see cref="ClaimWait"/>: the claim is answered with our announcement, and it is an address conflict
    /// (counted, logged once a minute, shown in status) unless it came within <see cref="HandoverGrace"/> of our takeover.
    /// </summary>
    private void Judge(Claim claim)
    {
        var name = claim.Instance.Config.Name;
        claim.Instance.Runtime.Reannounce();
        if (claim.Handover)
        {
            return;
        }

        _metrics.AddressConflicts.WithLabels(name).Inc();
        if (Conflicts.Record(name, claim.Address, claim.Mac) is not { } suppressed)
        {
            return;
        }

        var interfaceName = InterfaceName;
        var text = ArpConflict.Format(claim.Mac);
        var (address, operation) = (claim.Address, claim.Operation);
        Action log = address.AddressFamily == AddressFamily.InterNetworkV6
            ? () => LogNeighbourConflict(_logger, interfaceName, address, name, text, operation, suppressed)
            : () => LogAddressConflict(_logger, interfaceName, address, name, text, operation, suppressed);
        if (_offPath is null)
        {
            log();
        }
        else
        {
            _offPath.Post(log);
        }
    }

    public void WarmUp() => _socket.WarmUp();

    private void StopReceiving()
    {
        _stopped = true;
        try
        {
            _socket.StopReceiving();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        StopReceiving();
        _socket.Dispose();
    }

    /// <param name="Routed">Per VRID of an instance that accepts routed unicast: its own validator (see <see cref="RoutedUnicast"/>).</param>
    private sealed record Routing(VrrpAdvertValidator Validator, Dictionary<int, VrrpInstance> ByVrid, Dictionary<IPAddress, string> InstanceByVip,
        Dictionary<int, VrrpAdvertValidator> Routed);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "{InterfaceName}: dropped a VRRP packet (VRID {Vrid}): {Reason}")]
    private static partial void LogDropped(ILogger logger, string interfaceName, VrrpDropReason reason, int vrid);

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning,
        Message = "{InterfaceName}: dropped VRRP adverts from {Source} (VRID {Vrid}, VRRPv{Version}): {Reason}; {Suppressed} more not logged since the last line (one line a minute)")]
    private static partial void LogMismatch(ILogger logger, string interfaceName, IPAddress source, int vrid, int version, VrrpDropReason reason,
        long suppressed);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Error,
        Message = "{InterfaceName}: VIP {Vip} of {Instance} is also claimed by {Source} (VRID {Vrid}, VRRPv{Version}, dropped: {Reason}): it will be master too (split brain); make its vrid, version, virtual addresses and authentication match; {Suppressed} more not logged since the last line")]
    private static partial void LogVipClaimed(ILogger logger, string interfaceName, IPAddress vip, string instance, IPAddress source, int vrid,
        int version, VrrpDropReason reason, long suppressed);

    [LoggerMessage(EventId = 1320, Level = LogLevel.Error,
        Message = "{InterfaceName}: VIP {Vip} of {Instance} is claimed by another host, MAC {Mac} (ARP {Operation}), while this node is master: an address conflict (split brain with a host that does not speak VRRP with us, or a peer whose adverts we do not hear); {Suppressed} more not logged since the last line")]
    private static partial void LogAddressConflict(ILogger logger, string interfaceName, IPAddress vip, string instance, string mac,
        string operation, long suppressed);

    [LoggerMessage(EventId = 1430, Level = LogLevel.Error,
        Message = "{InterfaceName}: VIP {Vip} of {Instance} is claimed by another host, MAC {Mac} ({Operation}), while this node is master: an address conflict (split brain with a host that does not speak VRRP with us, or a peer whose adverts we do not hear); {Suppressed} more not logged since the last line")]
    private static partial void LogNeighbourConflict(ILogger logger, string interfaceName, IPAddress vip, string instance, string mac,
        string operation, long suppressed);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Debug,
        Message = "{InterfaceName}: another VRRP router {Source} on the link (VRID {Vrid}, VRRPv{Version}, none of our VIPs); {Suppressed} more not logged since the last line")]
    private static partial void LogForeignRouter(ILogger logger, string interfaceName, IPAddress source, int vrid, int version, long suppressed);
}
