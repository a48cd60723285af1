using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace HaDirector.Linux.Interop;

/// <summary>
/// A raw IPv6 socket of one protocol bound to one interface, for a protocol whose hop limit is checked (VRRP,
/// RFC 5798 §5.1.2.3). An IPv6 raw socket never carries the IP header: the source is chosen per datagram with an
/// IPV6_PKTINFO control message (so a checksum over the pseudo-header is computed over the address that is sent),
/// and a receive reports the source, the destination (IPV6_PKTINFO) and the hop limit (IPV6_HOPLIMIT) from the
/// ancillary data. Blocking descriptor: sendmmsg/recvmmsg of one message, no epoll thread in between.
/// </summary>
public sealed class RawIpv6Socket : IDisposable
{
    // linux/in6.h (level IPPROTO_IPV6 = 41)
    private const int SolIpv6 = 41;
    private const int Ipv6UnicastHops = 16;
    private const int Ipv6MulticastIf = 17;
    private const int Ipv6MulticastHops = 18;
    private const int Ipv6MulticastLoop = 19;
    private const int Ipv6JoinGroup = 20;
    private const int Ipv6RecvPktInfo = 49;
    private const int Ipv6PktInfo = 50;
    private const int Ipv6RecvHopLimit = 51;
    private const int Ipv6HopLimit = 52;
    private const int Ipv6FreeBind = 78;
    private const int SoBindToDevice = 25;

    // struct cmsghdr { size_t len; int level; int type; } then data aligned to 8 (CMSG_SPACE).
    private const int CmsgHeader = 16;
    private const int PktInfoLength = 20; // struct in6_pktinfo { in6_addr; int ifindex; }
    private const int ControlLength = 64;

    private readonly Socket _socket;
    private readonly int _interfaceIndex;
    private TimeSpan _receiveTimeout = TimeSpan.MinValue;
    private volatile bool _receivingStopped;

    /// <param name="hopLimit">Sent on every datagram, unicast and multicast.</param>
    /// <param name="group">An ff02:: group joined on the interface; null: none.</param>
    public RawIpv6Socket(int protocol, string interfaceName, int interfaceIndex, int hopLimit, ReadOnlySpan<byte> group)
    {
        _interfaceIndex = interfaceIndex;
        _socket = LinuxSocket.Open(LinuxConstants.AfInet6, LinuxConstants.SockRaw, protocol);
        try
        {
            // Without this a raw socket sees the protocol from every interface of the namespace.
            _socket.SetRawSocketOption(LinuxConstants.SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(interfaceName + "\0"));
            LinuxSocket.SetOption(_socket, SolIpv6, Ipv6UnicastHops, hopLimit, "IPV6_UNICAST_HOPS");
            LinuxSocket.SetOption(_socket, SolIpv6, Ipv6MulticastHops, hopLimit, "IPV6_MULTICAST_HOPS");
            LinuxSocket.SetOption(_socket, SolIpv6, Ipv6MulticastLoop, 0, "IPV6_MULTICAST_LOOP");
            LinuxSocket.SetOption(_socket, SolIpv6, Ipv6MulticastIf, interfaceIndex, "IPV6_MULTICAST_IF");
            LinuxSocket.SetOption(_socket, SolIpv6, Ipv6RecvHopLimit, 1, "IPV6_RECVHOPLIMIT");
            LinuxSocket.SetOption(_socket, SolIpv6, Ipv6RecvPktInfo, 1, "IPV6_RECVPKTINFO");
            // A link-local address still in duplicate address detection is tentative: sending from it is refused
            // without this, and a freshly up interface must advertise at once (Linux 4.15+; best effort before).
            LinuxSocket.TrySetOption(_socket, SolIpv6, Ipv6FreeBind, 1);
            if (!group.IsEmpty)
            {
                // struct ipv6_mreq { in6_addr multiaddr; int ifindex; }
                Span<byte> request = stackalloc byte[20];
                group[..16].CopyTo(request);
                BinaryPrimitives.WriteInt32LittleEndian(request[16..], interfaceIndex);
                _socket.SetRawSocketOption(SolIpv6, Ipv6JoinGroup, request);
            }
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="payload"/> from <paramref name="source"/> to <paramref name="destination"/> (16 bytes each) on the interface.</summary>
    /// <exception cref="LinuxErrorException">The kernel refused the datagram.</exception>
    public unsafe void Send(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination)
    {
        Span<byte> name = stackalloc byte[SockAddrInet.MaxLength];
        WriteSockAddr(name, destination, _interfaceIndex);
        Span<byte> control = stackalloc byte[CmsgHeader + 24];
        control.Clear();
        BinaryPrimitives.WriteInt64LittleEndian(control, CmsgHeader + PktInfoLength);
        BinaryPrimitives.WriteInt32LittleEndian(control[8..], SolIpv6);
        BinaryPrimitives.WriteInt32LittleEndian(control[12..], Ipv6PktInfo);
        source[..16].CopyTo(control[CmsgHeader..]);
        BinaryPrimitives.WriteInt32LittleEndian(control[(CmsgHeader + 16)..], _interfaceIndex);
        fixed (byte* data = payload)
        fixed (byte* namePtr = name)
        fixed (byte* controlPtr = control)
        {
            var iov = new IoVec { Base = data, Length = (nuint)payload.Length };
            var message = Message(namePtr, &iov, controlPtr, control.Length);
            LinuxError.ThrowIfFailed(Libc.SendMmsg(_socket.SafeHandle, &message, 1, 0), "sendmmsg(IPv6 raw)");
        }
    }

    /// <summary>
    /// Receives one datagram's payload, blocking at most <paramref name="timeout"/>; null when nothing came. The
    /// source and destination (16 bytes each) and the hop limit (0 when the kernel did not report it) come with it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket was closed.</exception>
    public int? Receive(Span<byte> payload, Span<byte> source, Span<byte> destination, out byte hopLimit, TimeSpan timeout)
    {
        if (timeout != _receiveTimeout)
        {
            LinuxSocket.SetReceiveTimeout(_socket.SafeHandle, timeout); // once, not per datagram
            _receiveTimeout = timeout;
        }

        return ReceiveCore(payload, source, destination, out hopLimit, flags: 0);
    }

    /// <summary>
    /// Like <see cref="Receive"/> without blocking (MSG_DONTWAIT): a datagram already queued, or null at once.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket was closed.</exception>
    public int? TryReceive(Span<byte> payload, Span<byte> source, Span<byte> destination, out byte hopLimit) =>
        ReceiveCore(payload, source, destination, out hopLimit, LinuxConstants.MsgDontWait);

    private unsafe int? ReceiveCore(Span<byte> payload, Span<byte> source, Span<byte> destination, out byte hopLimit, int flags)
    {
        hopLimit = 0;
        Span<byte> name = stackalloc byte[SockAddrInet.MaxLength];
        Span<byte> control = stackalloc byte[ControlLength];
        int received;
        int controlLength;
        fixed (byte* data = payload)
        fixed (byte* namePtr = name)
        fixed (byte* controlPtr = control)
        {
            var iov = new IoVec { Base = data, Length = (nuint)payload.Length };
            var message = Message(namePtr, &iov, controlPtr, ControlLength);
            var count = Libc.RecvMmsg(_socket.SafeHandle, &message, 1, flags, null);
            if (count == -1)
            {
                var errno = LinuxError.LastErrno();
                ObjectDisposedException.ThrowIf(_socket.SafeHandle.IsClosed, this);
                if (errno is Errno.EAGAIN or Errno.EINTR)
                {
                    return null;
                }

                throw new LinuxErrorException(errno, "recvmmsg(IPv6 raw)");
            }

            received = (int)message.Length;
            controlLength = (int)message.ControlLength;
        }

        name.Slice(8, 16).CopyTo(source);
        destination[..16].Clear();
        ReadControl(control[..Math.Min(controlLength, ControlLength)], destination, ref hopLimit);
        return received;
    }

    /// <summary>Ends a <see cref="Receive"/> blocked on another thread; later ones return what is queued, then 0 (see <see cref="LinuxSocket.ShutdownReceive"/>).</summary>
    public void StopReceiving()
    {
        _receivingStopped = true;
        LinuxSocket.ShutdownReceive(_socket.SafeHandle);
    }

    /// <summary>Whether <see cref="StopReceiving"/> was called: a 0-byte receive then means "stopped", not an empty datagram.</summary>
    public bool ReceivingStopped => _receivingStopped;

    public void Dispose() => _socket.Dispose();

    /// <summary>One struct msghdr over one buffer, with room for a sockaddr_in6 and the control messages.</summary>
    private static unsafe MMsgHdr Message(byte* name, IoVec* iov, byte* control, int controlLength) => new()
    {
        Name = name,
        NameLength = SockAddrInet.MaxLength,
        Iov = iov,
        IovLength = 1,
        Control = control,
        ControlLength = (nuint)controlLength,
    };

    private static void ReadControl(ReadOnlySpan<byte> control, Span<byte> destination, ref byte hopLimit)
    {
        while (control.Length >= CmsgHeader)
        {
            var length = (int)BinaryPrimitives.ReadInt64LittleEndian(control);
            if (length < CmsgHeader || length > control.Length)
            {
                return;
            }

            var level = BinaryPrimitives.ReadInt32LittleEndian(control[8..]);
            var type = BinaryPrimitives.ReadInt32LittleEndian(control[12..]);
            var data = control[CmsgHeader..length];
            if (level == SolIpv6 && type == Ipv6HopLimit && data.Length >= 4)
            {
                hopLimit = (byte)BinaryPrimitives.ReadInt32LittleEndian(data);
            }
            else if (level == SolIpv6 && type == Ipv6PktInfo && data.Length >= 16)
            {
                data[..16].CopyTo(destination);
            }

            var next = (length + 7) & ~7;
            if (next >= control.Length)
            {
                return;
            }

            control = control[next..];
        }
    }

    private static void WriteSockAddr(Span<byte> buffer, ReadOnlySpan<byte> address, int scope)
    {
        // struct sockaddr_in6: family, port 0, flowinfo 0, address, scope id (the interface for link-local addresses).
        buffer.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, LinuxConstants.AfInet6);
        address[..16].CopyTo(buffer[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[24..], scope);
    }
}
