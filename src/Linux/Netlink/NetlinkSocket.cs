using System.Runtime.InteropServices;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink;

/// <summary>
/// A request/response netlink socket (NETLINK_ROUTE or NETLINK_GENERIC). It numbers requests, reads
/// replies and multi-part dumps, and turns NLMSG_ERROR into <see cref="NetlinkErrorException"/>.
/// <see cref="ExecuteBatch"/> pipelines many requests and reports each one's outcome.
/// Calls are serialised by a lock; one socket per component is the intended use.
/// </summary>
public sealed class NetlinkSocket : INetlinkConnection
{
    /// <summary>
    /// The kernel never builds a dump datagram bigger than 32 KiB (netlink_recvmsg caps max_recvmsg_len),
    /// so twice that can never truncate.
    /// </summary>
    private const int ReceiveBufferSize = 64 * 1024;

    /// <summary>netlink_sendmsg refuses datagrams above sk_sndbuf - 32 (EMSGSIZE); stay well below the default.</summary>
    private const int MaxBatchDatagram = 32 * 1024;

    // A bare descriptor driven with send(2)/recv(2), not a managed Socket: see LinuxSocket.OpenDescriptor.
    private readonly LinuxFileDescriptor _socket;
    private readonly byte[] _receiveBuffer = new byte[ReceiveBufferSize];
    private readonly Lock _gate = new();
    private uint _sequence;
    private TimeSpan _replyTimeout;

    private NetlinkSocket(LinuxFileDescriptor socket, uint portId, int protocol)
    {
        _socket = socket;
        PortId = portId;
        Protocol = protocol;

        // Starting from a time-derived number makes replies to a previous process's requests on a
        // recycled port id unlikely to match ours.
        _sequence = (uint)Environment.TickCount;
        MaxInFlight = Math.Clamp(LinuxSocket.GetOption(socket, LinuxConstants.SolSocket, LinuxConstants.SoRcvBuf, "SO_RCVBUF") / 2048, 16, 1024);
    }

    /// <summary>The port id (nl_pid) the kernel gave this socket.</summary>
    public uint PortId { get; }

    /// <summary>NETLINK_ROUTE (0) or NETLINK_GENERIC (16).</summary>
    public int Protocol { get; }

    /// <summary>
    /// How many requests <see cref="ExecuteBatch"/> keeps unacknowledged at once. Their ACKs must all
    /// fit in the receive buffer (about 1 KiB of buffer each, counting skb overhead), or the kernel
    /// drops them and the batch fails with ENOBUFS; the default follows the buffer we got.
    /// </summary>
    public int MaxInFlight { get; set; }

    /// <summary>How long a reply may take before the call fails with ETIMEDOUT.</summary>
    public TimeSpan ReplyTimeout
    {
        get => _replyTimeout;
        set
        {
            LinuxSocket.SetReceiveTimeout(_socket, value);
            _replyTimeout = value;
        }
    }

    /// <summary>Opens and binds a netlink socket with extended ACKs and capped ACKs (when the kernel has them).</summary>
    public static NetlinkSocket Open(int protocol)
    {
        var socket = LinuxSocket.OpenDescriptor(LinuxConstants.AfNetlink, LinuxConstants.SockRaw, protocol);
        try
        {
            // ACKs of a pipelined batch queue up in the receive buffer while we are still sending;
            // a bigger buffer means fewer round trips. FORCE works as root beyond rmem_max.
            const int buffer = 4 * 1024 * 1024;
            if (!LinuxSocket.TrySetOption(socket, LinuxConstants.SolSocket, LinuxConstants.SoRcvBufForce, buffer))
            {
                LinuxSocket.TrySetOption(socket, LinuxConstants.SolSocket, LinuxConstants.SoRcvBuf, buffer);
            }

            LinuxSocket.TrySetOption(socket, LinuxConstants.SolSocket, LinuxConstants.SoSndBuf, 1024 * 1024);

            // EXT_ACK: the kernel explains errors in words. CAP_ACK: ACKs do not echo the whole
            // request back, which keeps 10,000 pipelined ACKs small.
            LinuxSocket.TrySetOption(socket, LinuxConstants.SolNetlink, LinuxConstants.NetlinkExtAck, 1);
            LinuxSocket.TrySetOption(socket, LinuxConstants.SolNetlink, LinuxConstants.NetlinkCapAck, 1);

            var portId = LinuxSocket.BindNetlink(socket);
            return new NetlinkSocket(socket, portId, protocol) { ReplyTimeout = TimeSpan.FromSeconds(30) };
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends one request (flags must include NLM_F_REQUEST) and feeds every reply message to
    /// <paramref name="onReply"/> until the final ACK or NLMSG_DONE. A non-dump request gets NLM_F_ACK
    /// added so that the end is always explicit. Returns false if the kernel flagged a dump as
    /// interrupted (NLM_F_DUMP_INTR: the table changed meanwhile; the caller should dump again).
    /// </summary>
    public bool Execute(Span<byte> request, NetlinkMessageHandler? onReply, string operation)
    {
        lock (_gate)
        {
            var header = NetlinkHeader.Read(request);
            var isDump = (header.Flags & NetlinkFlags.Dump) == NetlinkFlags.Dump;
            var flags = isDump ? header.Flags : (ushort)(header.Flags | NetlinkFlags.Ack);
            var sequence = NextSequence();
            (header with { Flags = flags, Sequence = sequence, Length = (uint)request.Length }).Write(request);

            Send(request, operation);
            var consistent = true;
            while (true)
            {
                var received = Receive(operation);
                foreach (var message in new NetlinkMessageReader(_receiveBuffer.AsSpan(0, received)))
                {
                    if (message.Header.Sequence != sequence)
                    {
                        continue; // a late reply to an earlier request that timed out
                    }

                    if (message.Header.HasFlag(NetlinkFlags.DumpInterrupted))
                    {
                        consistent = false;
                    }

                    switch (message.Header.Type)
                    {
                        case NetlinkMessageType.Error:
                        case NetlinkMessageType.Done:
                            var ack = NetlinkAck.Parse(message);
                            if (!ack.IsSuccess)
                            {
                                throw NetlinkErrorException.From(ack, operation);
                            }

                            return consistent;
                        case NetlinkMessageType.Noop:
                            break;
                        case NetlinkMessageType.Overrun:
                            throw new NetlinkErrorException(Errno.ENOBUFS, operation, "netlink overrun: replies were lost");
                        default:
                            onReply?.Invoke(message);
                            break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Pipelines the requests written back to back in <paramref name="requests"/> (each a complete
    /// netlink message; NLM_F_ACK is added, sequence numbers are assigned here). Requests go out in
    /// datagrams of many messages, at most <see cref="MaxInFlight"/> unacknowledged at a time; the
    /// kernel processes each message of a datagram in turn and keeps going after a failure, so every
    /// request gets its own answer. Returns one <see cref="NetlinkAck"/> per request, in order.
    /// Dump requests must not be batched.
    /// </summary>
    public NetlinkAck[] ExecuteBatch(Span<byte> requests, string operation)
    {
        var offsets = new List<(int Offset, int Length)>();
        var position = 0;
        while (position < requests.Length)
        {
            var header = NetlinkHeader.Read(requests[position..]);
            if (header.Length < NetlinkHeader.Size || position + header.Length > requests.Length)
            {
                throw new ArgumentException($"batch message at byte {position} has length {header.Length}", nameof(requests));
            }

            offsets.Add((position, (int)header.Length));
            position += NetlinkAlignment.Align((int)header.Length);
        }

        var results = new NetlinkAck[offsets.Count];
        lock (_gate)
        {
            var next = 0;
            while (next < offsets.Count)
            {
                var first = next;
                var start = offsets[first].Offset;
                if (_sequence > uint.MaxValue - (uint)MaxInFlight - 1)
                {
                    _sequence = 0; // keep a window's sequence numbers contiguous
                }

                var firstSequence = _sequence + 1;
                while (next < offsets.Count && next - first < MaxInFlight
                       && (next == first || offsets[next].Offset + offsets[next].Length - start <= MaxBatchDatagram))
                {
                    var slice = requests.Slice(offsets[next].Offset, offsets[next].Length);
                    var header = NetlinkHeader.Read(slice);
                    (header with { Flags = (ushort)(header.Flags | NetlinkFlags.Ack), Sequence = NextSequence() }).Write(slice);
                    next++;
                }

                var end = offsets[next - 1].Offset + offsets[next - 1].Length;
                Send(requests[start..end], operation);
                CollectAcks(results, first, next - first, firstSequence, operation);
            }
        }

        return results;
    }

    public void Dispose() => _socket.Dispose();

    private void CollectAcks(NetlinkAck[] results, int first, int count, uint firstSequence, string operation)
    {
        var done = new bool[count];
        var answered = 0;
        var lowestOpen = 0;
        while (answered < count)
        {
            var received = Receive(operation);
            foreach (var message in new NetlinkMessageReader(_receiveBuffer.AsSpan(0, received)))
            {
                var index = unchecked((int)(message.Header.Sequence - firstSequence));
                if (message.Header.Type != NetlinkMessageType.Error || index < 0 || index >= count || done[index])
                {
                    continue;
                }

                // The kernel answers a datagram's messages in order; a gap means it skipped some
                // (it does that only for malformed messages, which the writer never produces).
                for (; lowestOpen < index; lowestOpen++)
                {
                    if (!done[lowestOpen])
                    {
                        results[first + lowestOpen] = new NetlinkAck(Errno.EPROTO, "no acknowledgement from the kernel", null);
                        done[lowestOpen] = true;
                        answered++;
                    }
                }

                results[first + index] = NetlinkAck.Parse(message);
                done[index] = true;
                answered++;
            }
        }
    }

    private uint NextSequence()
    {
        _sequence++;
        if (_sequence == 0)
        {
            _sequence = 1; // 0 is what the kernel uses for notifications
        }

        return _sequence;
    }

    private unsafe void Send(ReadOnlySpan<byte> datagram, string operation)
    {
        fixed (byte* buffer = datagram)
        {
            while (true)
            {
                // A netlink datagram goes whole or not at all.
                if (Libc.Send(_socket, buffer, (nuint)datagram.Length, 0) >= 0)
                {
                    return;
                }

                var errno = LinuxError.LastErrno();
                if (errno != Errno.EINTR)
                {
                    throw new LinuxErrorException(errno, operation + " (send)");
                }
            }
        }
    }

    private unsafe int Receive(string operation)
    {
        fixed (byte* buffer = _receiveBuffer)
        {
            while (true)
            {
                var received = Libc.Recv(_socket, buffer, (nuint)_receiveBuffer.Length, 0);
                if (received >= 0)
                {
                    return (int)received;
                }

                var errno = LinuxError.LastErrno();
                switch (errno)
                {
                    case Errno.EINTR:
                        continue;
                    case Errno.EAGAIN:
                        // SO_RCVTIMEO ran out: the kernel did not answer within ReplyTimeout.
                        throw new LinuxErrorException(Errno.ETIMEDOUT, operation + " (receive)");
                    case Errno.ENOBUFS:
                        throw new LinuxErrorException(errno, operation + " (receive)", "the kernel dropped replies because the receive buffer was full");
                    default:
                        throw new LinuxErrorException(errno, operation + " (receive)");
                }
            }
        }
    }
}
