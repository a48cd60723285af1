using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using HaDirector.Linux.Interop;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// A run of consecutive local TCP ports held by ordinary bound (not listening) TCP sockets, for the half-open
/// check's SYNs. While bound, the kernel hands these ports to no connect() and no other bind(), so no real
/// connection shares a 4-tuple with a probe; and since nothing listens on them, the kernel answers every SYN-ACK
/// that arrives on them with a reset, which is what ends the half-open connection on the real server.
/// </summary>
internal sealed class ReservedPorts : IDisposable
{
    private const int Attempts = 64;

    private readonly List<LinuxFileDescriptor> _sockets;

    private ReservedPorts(ushort first, List<LinuxFileDescriptor> sockets)
    {
        First = first;
        _sockets = sockets;
    }

    public ushort First { get; }

    public ushort Last => (ushort)(First + _sockets.Count - 1);

    public int Count => _sockets.Count;

    /// <summary>
    /// Lets the kernel's ephemeral allocator pick the first port (bind to port 0) and binds the ones after it;
    /// if one of those is taken, starts over elsewhere. Consecutive, so the socket filter checks a range.
    /// </summary>
    public static ReservedPorts Reserve(int count)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var held = new List<LinuxFileDescriptor>(count);
            var first = Bind(0, held);
            for (var port = first + 1; first > 0 && port < first + count && port <= ushort.MaxValue && Bind(port, held) > 0; port++)
            {
            }

            if (held.Count == count)
            {
                return new ReservedPorts((ushort)first, held);
            }

            held.ForEach(s => s.Dispose());
        }

        throw new IOException($"no run of {count} free local TCP ports after {Attempts} attempts");
    }

    /// <returns>The port bound (the kernel's choice for 0), or 0 when it is taken.</returns>
    private static unsafe int Bind(int port, List<LinuxFileDescriptor> held)
    {
        var socket = LinuxSocket.OpenDescriptor(LinuxConstants.AfInet, Libc.SockStream, 0);
        var address = stackalloc byte[SockAddrInet.MaxLength];
        var length = SockAddrInet.Write(new IPEndPoint(IPAddress.Any, port), new Span<byte>(address, SockAddrInet.MaxLength));

        // Not Socket.Bind: .NET sets SO_REUSEADDR on TCP sockets it binds, and the hold must be exclusive.
        if (Libc.Bind(socket, address, length) < 0 || Libc.GetSockName(socket, address, &length) < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            socket.Dispose();
            return error == Errno.EADDRINUSE ? 0 : throw new LinuxErrorException(error, $"bind(0.0.0.0:{port})");
        }

        held.Add(socket);
        return BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(address + 2, 2));
    }

    public void Dispose() => _sockets.ForEach(s => s.Dispose());
}
