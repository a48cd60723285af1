using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Metrics;
using HaDirector.Linux.Packets;
using HaDirector.Vrrp.Protocol;
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
    private volatile Routing _routing = new(new VrrpAdvertValidator([]), new Dictionary<int, VrrpInstance>());
    private readonly DirectorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Lock _sendGate = new();
    private readonly byte[] _sendBuffer = new byte[2048];
    private static readonly TimeSpan ReceivePoll = TimeSpan.FromMilliseconds(250);

    public VrrpChannel(IVrrpSocket socket, DirectorMetrics metrics, ILogger logger)
    {
        _socket = socket;
        _metrics = metrics;
        _logger = logger;
    }

    public string InterfaceName => _socket.InterfaceName;

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
        _routing = new Routing(validator, instances.ToDictionary(i => i.Config.VirtualRouterId));
    }

    /// <summary>Sends one advert to each destination (the multicast group, or every unicast peer).</summary>
    public void SendAdvert(VrrpPacket packet, IPAddress source, IReadOnlyList<IPAddress> destinations, VrrpChecksumMode mode)
    {
        lock (_sendGate)
        {
            foreach (var destination in destinations)
            {
                // The v3 checksum covers the destination (pseudo-header): one encode per peer.
                var length = VrrpCodec.Write(packet, source, destination, _sendBuffer.AsSpan(Ipv4Header.Length), mode);
                Ipv4Header.Write(_sendBuffer, source, destination, VrrpCodec.IpProtocolNumber, length, VrrpCodec.RequiredTtl, VrrpCodec.TypeOfService);
                _socket.Send(_sendBuffer.AsSpan(0, Ipv4Header.Length + length), destination);
            }
        }
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
        while (!cancellationToken.IsCancellationRequested)
        {
            int? received;
            try
            {
                // Wakes now and then to notice cancellation; closing the socket also ends the read.
                received = _socket.Receive(buffer, ReceivePoll);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (cancellationToken.IsCancellationRequested)
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

    /// <summary>Validates and routes one datagram; never throws on hostile bytes.</summary>
    public void Dispatch(ReadOnlySpan<byte> datagram)
    {
        var routing = _routing;
        var result = routing.Validator.Validate(datagram);
        routing.ByVrid.TryGetValue(result.VirtualRouterId, out var instance);
        if (!result.IsAccepted)
        {
            _metrics.PacketsDropped.WithLabels(InterfaceName, result.Reason.ToString()).Inc();
            instance?.Driver.RecordDrop(result.Reason);
            LogDropped(_logger, InterfaceName, result.Reason, result.VirtualRouterId);
            return;
        }
        if (instance is not null)
        {
            instance.Runtime.RecordReceived(result.Datagram!);
            instance.Driver.Receive(result.Datagram!);
        }
    }

    public void WarmUp() => _socket.WarmUp();

    public void Dispose() => _socket.Dispose();

    private sealed record Routing(VrrpAdvertValidator Validator, Dictionary<int, VrrpInstance> ByVrid);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "{InterfaceName}: dropped a VRRP packet (VRID {Vrid}): {Reason}")]
    private static partial void LogDropped(ILogger logger, string interfaceName, VrrpDropReason reason, int vrid);
}
