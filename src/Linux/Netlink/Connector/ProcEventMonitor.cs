using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink.Connector;

/// <summary>
/// The kernel's process events (the proc connector: NETLINK_CONNECTOR, group CN_IDX_PROC): a process starting, forking,
/// renaming itself or exiting, as it happens, so watching for a process needs no poll of /proc. The kernel sends them
/// only in the initial network namespace and to CAP_NET_ADMIN: <see cref="Open"/> throws
/// <see cref="LinuxErrorException"/> where they are not available (the caller then falls back to reading /proc).
/// One reader at a time.
/// </summary>
public sealed class ProcEventMonitor : IDisposable
{
    public const int NetlinkConnector = 11;

    /// <summary>CN_IDX_PROC and CN_VAL_PROC (linux/connector.h); the index is also the multicast group.</summary>
    private const uint IndexProc = 1;
    private const uint ValueProc = 1;

    /// <summary>PROC_CN_MCAST_LISTEN (linux/cn_proc.h).</summary>
    private const uint McastListen = 1;

    private const uint EventFork = 0x1;
    private const uint EventExec = 0x2;
    private const uint EventComm = 0x200;
    private const uint EventExit = 0x80000000;

    /// <summary>struct cn_msg: idx, val, seq, ack (u32 each), len, flags (u16 each).</summary>
    private const int CnMsgSize = 20;

    /// <summary>struct proc_event up to event_data: what, cpu (u32), timestamp_ns (u64).</summary>
    private const int EventHeaderSize = 16;

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private ProcEventMonitor(Socket socket) => _socket = socket;

    /// <summary>Subscribes; events start with the next process that changes.</summary>
    public static ProcEventMonitor Open()
    {
        var socket = LinuxSocket.Open(LinuxConstants.AfNetlink, LinuxConstants.SockDgram, NetlinkConnector);
        try
        {
            LinuxSocket.TrySetOption(socket, LinuxConstants.SolSocket, LinuxConstants.SoRcvBufForce, 1024 * 1024);
            LinuxSocket.BindNetlink(socket, IndexProc);
            try
            {
                // Outside the initial namespace no kernel socket answers: ECONNREFUSED here.
                socket.Send(ListenRequest());
            }
            catch (SocketException e)
            {
                throw LinuxError.FromSocketException(e, "proc connector: PROC_CN_MCAST_LISTEN");
            }

            return new ProcEventMonitor(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Yields each event until <paramref name="cancellationToken"/> fires; <see cref="ProcEventKind.Lost"/> after an overflow.</summary>
    public async IAsyncEnumerable<ProcEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            int received;
            var lost = false;
            try
            {
                received = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken);
            }
            catch (SocketException ex) when (LinuxError.ErrnoOf(ex) == Errno.ENOBUFS)
            {
                received = 0;
                lost = true;
            }

            if (lost)
            {
                yield return new ProcEvent(ProcEventKind.Lost, 0, 0);
                continue;
            }

            foreach (var e in Decode(_buffer.AsSpan(0, received)))
            {
                yield return e;
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>nlmsghdr + cn_msg + the u32 operation, all in host byte order as the kernel reads them.</summary>
    internal static byte[] ListenRequest()
    {
        var request = new byte[NetlinkHeader.Size + CnMsgSize + 4];
        var span = request.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)request.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], (ushort)NetlinkMessageType.Done);
        var cn = span[NetlinkHeader.Size..];
        BinaryPrimitives.WriteUInt32LittleEndian(cn, IndexProc);
        BinaryPrimitives.WriteUInt32LittleEndian(cn[4..], ValueProc);
        BinaryPrimitives.WriteUInt16LittleEndian(cn[16..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(cn[CnMsgSize..], McastListen);
        return request;
    }

    /// <summary>The events of one datagram (others, and the subscription's acknowledgement, are skipped).</summary>
    internal static List<ProcEvent> Decode(ReadOnlySpan<byte> datagram)
    {
        var events = new List<ProcEvent>();
        foreach (var message in new NetlinkMessageReader(datagram))
        {
            var payload = message.Payload;
            if (payload.Length < CnMsgSize + EventHeaderSize + 8
                || BinaryPrimitives.ReadUInt32LittleEndian(payload) != IndexProc
                || BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]) != ValueProc)
            {
                continue;
            }

            var ev = payload[CnMsgSize..];
            var data = ev[EventHeaderSize..];
            var what = BinaryPrimitives.ReadUInt32LittleEndian(ev);
            ProcEvent? decoded = what switch
            {
                // fork: parent_pid, parent_tgid, child_pid, child_tgid.
                EventFork when data.Length >= 16 => new ProcEvent(ProcEventKind.Fork, Int(data[8..]), Int(data[12..])),
                EventExec => new ProcEvent(ProcEventKind.Exec, Int(data), Int(data[4..])),
                EventComm => new ProcEvent(ProcEventKind.Comm, Int(data), Int(data[4..])),
                EventExit => new ProcEvent(ProcEventKind.Exit, Int(data), Int(data[4..])),
                _ => null,
            };
            if (decoded is { } e)
            {
                events.Add(e);
            }
        }

        return events;
    }

    private static int Int(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadInt32LittleEndian(bytes);
}
