using System.Net;
using System.Net.Sockets;

namespace HaDirector.Linux.Interop;

/// <summary>
/// A TCP listener that never answers: every segment that reaches it is dropped by a socket filter before
/// TCP sees it, so the kernel neither resets a segment of a connection it does not know nor accepts one.
/// On a new IPVS master this catches exactly the segments IPVS let through (a connection whose sync entry
/// has not arrived yet): they are retransmitted by the client instead of being reset.
/// </summary>
public static class SilentTcpListener
{
    private const int SockStream = 1;

    // linux/in.h, linux/in6.h: bind to an address that is not (yet) local, as the VIP is before it goes up.
    private const int SolIp = 0;
    private const int IpFreebind = 15;
    private const int SolIpv6 = 41;
    private const int Ipv6Freebind = 78;

    // linux/filter.h: BPF_RET | BPF_K with k = 0 keeps no byte of the packet: every segment is dropped.
    private static readonly SockFilter[] DropAll = [new(0x06, 0, 0, 0)];

    /// <summary>Opens the listener on <paramref name="endPoint"/>; the filter is in place before listen(2).</summary>
    /// <exception cref="LinuxErrorException">Binding failed (e.g. EADDRINUSE: something local listens there).</exception>
    public static Socket Open(IPEndPoint endPoint)
    {
        var v6 = endPoint.AddressFamily == AddressFamily.InterNetworkV6;
        var socket = LinuxSocket.Open(v6 ? LinuxConstants.AfInet6 : LinuxConstants.AfInet, SockStream, 0);
        try
        {
            LinuxSocket.SetOption(socket, v6 ? SolIpv6 : SolIp, v6 ? Ipv6Freebind : IpFreebind, 1, v6 ? "IPV6_FREEBIND" : "IP_FREEBIND");
            LinuxSocket.AttachFilter(socket, DropAll);
            socket.Bind(endPoint);
            socket.Listen(1);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw LinuxError.FromSocketException(ex, $"listen on {endPoint}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
