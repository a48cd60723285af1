using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

/// <summary>
/// Sockets .NET cannot make itself: AF_NETLINK has no <see cref="AddressFamily"/>, and
/// AF_INET/SOCK_RAW/112 (VRRP) fails in the managed constructor with "Protocol not supported".
/// A descriptor from libc socket() wraps fine, and the ordinary Socket API works on it afterwards.
/// </summary>
public static class LinuxSocket
{
    /// <summary>
    /// socket(2) with SOCK_CLOEXEC, wrapped in a <see cref="Socket"/> that owns the descriptor.
    /// Example: <c>LinuxSocket.Open(LinuxConstants.AfInet, LinuxConstants.SockRaw, LinuxConstants.IpProtoVrrp)</c>.
    /// </summary>
    public static Socket Open(int family, int type, int protocol) =>
        new(new SafeSocketHandle((IntPtr)NewSocket(family, type, protocol), ownsHandle: true));

    /// <summary>
    /// socket(2) with SOCK_CLOEXEC as a bare descriptor, for sockets driven with send(2)/recv(2) directly
    /// (<see cref="NetlinkSocket"/>): a managed <see cref="Socket"/> starts its epoll engine thread and its
    /// telemetry on the first blocking receive, which cost a starting director most of a second under an emulator.
    /// </summary>
    public static LinuxFileDescriptor OpenDescriptor(int family, int type, int protocol) => new(NewSocket(family, type, protocol));

    private static int NewSocket(int family, int type, int protocol)
    {
        var fd = Libc.Socket(family, type | LinuxConstants.SockCloexec, protocol);
        if (fd == -1)
        {
            throw LinuxError.FromLastError($"socket(family {family}, type {type}, protocol {protocol})");
        }

        return fd;
    }

    /// <summary>setsockopt(2) with an int value; throws <see cref="LinuxErrorException"/>.</summary>
    public static void SetOption(Socket socket, int level, int option, int value, string name) =>
        LinuxError.ThrowIfFailed(SetInt(socket.SafeHandle, level, option, value), $"setsockopt({name})");

    /// <summary>Like <see cref="SetOption"/> but reports failure instead of throwing (optional kernel features).</summary>
    public static bool TrySetOption(Socket socket, int level, int option, int value) => TrySetOption(socket.SafeHandle, level, option, value);

    public static bool TrySetOption(SafeHandle socket, int level, int option, int value) => SetInt(socket, level, option, value) == 0;

    private static unsafe int SetInt(SafeHandle socket, int level, int option, int value) =>
        Libc.SetSockOpt(socket, level, option, &value, sizeof(int));

    /// <summary>getsockopt(2) of an int value; throws <see cref="LinuxErrorException"/>.</summary>
    public static unsafe int GetOption(SafeHandle socket, int level, int option, string name)
    {
        var value = 0;
        var length = (uint)sizeof(int);
        LinuxError.ThrowIfFailed(Libc.GetSockOpt(socket, level, option, &value, &length), $"getsockopt({name})");
        return value;
    }

    /// <summary>
    /// recv(2) with MSG_DONTWAIT: one datagram already queued on the socket, or null at once when none is (the socket
    /// stays blocking for the thread that waits on it). Throws <see cref="LinuxErrorException"/> on other errors.
    /// </summary>
    public static unsafe int? TryReceive(SafeHandle socket, Span<byte> buffer)
    {
        fixed (byte* data = buffer)
        {
            var received = Libc.Recv(socket, data, (nuint)buffer.Length, LinuxConstants.MsgDontWait);
            if (received >= 0)
            {
                return (int)received;
            }

            var errno = LinuxError.LastErrno();
            return errno is Errno.EAGAIN or Errno.EINTR ? null : throw new LinuxErrorException(errno, "recv(MSG_DONTWAIT)");
        }
    }

    /// <summary>
    /// Ends a recv(2) blocked on <paramref name="socket"/> in another thread, and every later one once the queue is empty
    /// (they return 0): shutdown(SHUT_RD). For an IPv4 or IPv6 datagram or raw socket, which is never connected, the
    /// kernel answers ENOTCONN but has marked the socket and woken its readers first (inet_shutdown's "hack to wake up
    /// other listeners"), so the errno is expected and ignored. How a receive thread is stopped without waking up now
    /// and then to look at a flag.
    /// </summary>
    public static void ShutdownReceive(SafeHandle socket) => _ = Libc.Shutdown(socket, Libc.ShutRd);

    /// <summary>SO_RCVTIMEO: a blocking recv(2) fails with EAGAIN after <paramref name="timeout"/> (zero or infinite: never).</summary>
    public static unsafe void SetReceiveTimeout(SafeHandle socket, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            timeout = TimeSpan.Zero;
        }

        // struct timeval { time_t tv_sec; suseconds_t tv_usec; } on 64-bit Linux.
        var microseconds = (long)(timeout.Ticks / TimeSpan.TicksPerMicrosecond);
        var timeval = stackalloc long[2];
        timeval[0] = microseconds / 1_000_000;
        timeval[1] = microseconds % 1_000_000;
        LinuxError.ThrowIfFailed(Libc.SetSockOpt(socket, LinuxConstants.SolSocket, LinuxConstants.SoRcvTimeo, timeval, 2 * sizeof(long)), "setsockopt(SO_RCVTIMEO)");
    }

    /// <summary>
    /// bind(2) of an AF_PACKET socket to one interface and ethertype (struct sockaddr_ll: family, protocol in network
    /// order, ifindex; the rest zero): from then on it receives only that interface's frames of that type.
    /// </summary>
    public static unsafe void BindPacket(Socket socket, ushort etherType, int interfaceIndex)
    {
        var address = stackalloc byte[20];
        new Span<byte>(address, 20).Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(address, 2), LinuxConstants.AfPacket);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(address + 2, 2), etherType);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(new Span<byte>(address + 4, 4), interfaceIndex);
        LinuxError.ThrowIfFailed(Libc.Bind(socket.SafeHandle, address, 20), $"bind(AF_PACKET, ifindex {interfaceIndex})");
    }

    /// <summary>SO_ATTACH_FILTER: from now on the kernel copies to this socket only what the program accepts.</summary>
    public static unsafe void AttachFilter(Socket socket, ReadOnlySpan<SockFilter> program)
    {
        fixed (SockFilter* instructions = program)
        {
            // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: the pointer at offset 8.
            var fprog = stackalloc nint[2];
            fprog[0] = program.Length;
            fprog[1] = (nint)instructions;
            LinuxError.ThrowIfFailed(
                Libc.SetSockOpt(socket.SafeHandle, LinuxConstants.SolSocket, LinuxConstants.SoAttachFilter, fprog, (uint)(2 * sizeof(nint))),
                "setsockopt(SO_ATTACH_FILTER)");
        }
    }

    /// <summary>Binds a netlink socket; port id 0 lets the kernel choose. Returns the port id bound.</summary>
    public static uint BindNetlink(Socket socket, uint groups = 0) => BindNetlink(socket.SafeHandle, groups);

    public static unsafe uint BindNetlink(SafeHandle socket, uint groups = 0)
    {
        var address = new SockAddrNetlink { Family = LinuxConstants.AfNetlink, Groups = groups };
        LinuxError.ThrowIfFailed(Libc.Bind(socket, &address, (uint)sizeof(SockAddrNetlink)), "bind(AF_NETLINK)");

        var bound = default(SockAddrNetlink);
        var length = (uint)sizeof(SockAddrNetlink);
        LinuxError.ThrowIfFailed(Libc.GetSockName(socket, &bound, &length), "getsockname(AF_NETLINK)");
        return bound.PortId;
    }

    /// <summary>if_nametoindex(3); null when there is no such interface.</summary>
    public static int? InterfaceIndex(string name)
    {
        var index = Libc.IfNameToIndex(name);
        return index == 0 ? null : (int)index;
    }

    /// <summary>
    /// The user id of the process at the other end of a connected Unix socket (SO_PEERCRED, from the
    /// kernel: cannot be forged by the peer).
    /// </summary>
    public static uint PeerUserId(Socket socket)
    {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> credentials = stackalloc byte[12];
        var length = socket.GetRawSocketOption(LinuxConstants.SolSocket, LinuxConstants.SoPeerCred, credentials);
        if (length < 8)
        {
            throw new LinuxErrorException(Errno.EINVAL, "getsockopt(SO_PEERCRED)", "short answer");
        }

        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(credentials[4..]);
    }
}
