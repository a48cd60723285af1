using System.Net;
using System.Net.Sockets;
using System.Text;
using HaDirector.Linux.Interop;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Transport;

/// <summary>
/// A raw IPv4 socket for protocol 112 bound to one interface: joined to 224.0.0.18 there, multicast TTL 255
/// and no loopback of our own adverts. Received datagrams carry their IP header, so the receiver can check
/// the TTL (RFC 5798 §7.1). .NET cannot open raw protocol-112 sockets itself, so libc makes the descriptor.
/// </summary>
public sealed class VrrpSocket : IVrrpSocket
{
    private const int AfInet = 2;
    private const int SockRaw = 3;
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;

    private const int MaxCachedAddresses = 64;

    private readonly Socket _socket;
    private readonly Dictionary<IPAddress, SocketAddress> _addresses = [];
    private int _receiveTimeoutMs = -1;
    private volatile bool _stopped;

    public VrrpSocket(string interfaceName, int interfaceIndex)
    {
        InterfaceName = interfaceName;
        _socket = LinuxSocket.Open(AfInet, SockRaw, VrrpCodec.IpProtocolNumber);
        try
        {
            // Without this a raw socket sees protocol 112 from every interface of the namespace.
            _socket.SetRawSocketOption(SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(interfaceName + "\0"));
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.HeaderIncluded, true);
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255);
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, false);
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface,
                IPAddress.HostToNetworkOrder(interfaceIndex));
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership,
                new MulticastOption(VrrpCodec.MulticastGroup, interfaceIndex));
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public string InterfaceName { get; }

    /// <summary>Sends one complete IPv4 datagram (header included). Not thread-safe: the channel sends under its lock.</summary>
    public void Send(ReadOnlySpan<byte> ipDatagram, IPAddress destination)
    {
        // The sockaddr of each destination made once, not an IPEndPoint serialised per advert (50 a second at 20 ms).
        if (!_addresses.TryGetValue(destination, out var address))
        {
            if (_addresses.Count >= MaxCachedAddresses)
            {
                _addresses.Clear();
            }

            address = new IPEndPoint(destination, 0).Serialize();
            _addresses[destination] = address;
        }

        _socket.SendTo(ipDatagram, SocketFlags.None, address);
    }

    /// <summary>
    /// Receives one datagram, IPv4 header included, blocking the calling thread (a real recvfrom(2) on the
    /// blocking descriptor: no epoll thread and no thread-pool hop between the packet and the caller).
    /// Returns null when nothing arrived within <paramref name="timeout"/>.
    /// </summary>
    /// <remarks>Never mix with asynchronous operations: the first one makes the descriptor non-blocking for good.</remarks>
    public int? Receive(Span<byte> buffer, TimeSpan timeout)
    {
        var milliseconds = (int)timeout.TotalMilliseconds;
        if (_receiveTimeoutMs != milliseconds)
        {
            _socket.ReceiveTimeout = milliseconds; // setsockopt(SO_RCVTIMEO): once, not per datagram
            _receiveTimeoutMs = milliseconds;
        }

        // The error code, not an exception: a master hears nothing, so every poll interval ends in a timeout, and a
        // thrown and caught SocketException (stack trace, allocation) four times a second was pure overhead.
        var received = _socket.Receive(buffer, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success when received == 0 && _stopped => null, // a datagram carries at least its IP header
            SocketError.Success => received,
            SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted => null,
            _ => throw new SocketException((int)error),
        };
    }

    public int? TryReceive(Span<byte> buffer) => LinuxSocket.TryReceive(_socket.SafeHandle, buffer);

    public void StopReceiving()
    {
        _stopped = true;
        LinuxSocket.ShutdownReceive(_socket.SafeHandle);
    }

    /// <summary>
    /// Sends an empty datagram, which the kernel refuses (shorter than an IPv4 header), so the managed send
    /// path is compiled before a backup's first advert as master.
    /// </summary>
    public void WarmUp()
    {
        try
        {
            _socket.SendTo(ReadOnlySpan<byte>.Empty, SocketFlags.None, new IPEndPoint(VrrpCodec.MulticastGroup, 0));
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose() => _socket.Dispose();
}
