using System.Net.Sockets;
using HaDirector.Linux.Interop;

namespace HaDirector.Director.Kernel;

/// <summary>
/// An AF_PACKET socket bound to one interface and one ethertype, with their Ethernet header: the kernel hands it that
/// interface's frames of that type which its filter accepts and nothing else (no capture of other traffic, no
/// promiscuous mode).
/// </summary>
public sealed class PacketListener : IArpListener
{
    private const ushort EtherTypeArp = 0x0806;
    private const ushort EtherTypeIpv6 = 0x86dd;

    private readonly Socket _socket;
    private int _receiveTimeoutMs = -1;

    private PacketListener(int interfaceIndex, ushort etherType, SockFilter[]? filter)
    {
        // Protocol 0 receives nothing until bound: the filter is in place before the first frame.
        _socket = LinuxSocket.Open(LinuxConstants.AfPacket, LinuxConstants.SockRaw, 0);
        try
        {
            if (filter is not null)
            {
                LinuxSocket.AttachFilter(_socket, filter);
            }

            LinuxSocket.BindPacket(_socket, etherType, interfaceIndex);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>Every ARP frame of the interface.</summary>
    public static PacketListener Arp(int interfaceIndex) => new(interfaceIndex, EtherTypeArp, null);

    /// <summary>
    /// The interface's neighbour solicitations and advertisements: a classic BPF program keeps ICMPv6 types 135 and 136
    /// straight after the IPv6 header (where RFC 4861 puts them) and drops the rest of the IPv6 traffic in the kernel.
    /// </summary>
    public static PacketListener NeighbourDiscovery(int interfaceIndex) => new(interfaceIndex, EtherTypeIpv6, NeighbourDiscoveryFilter);

    /// <summary>Offsets in the Ethernet frame: 20 the IPv6 next header, 54 the ICMPv6 type.</summary>
    internal static readonly SockFilter[] NeighbourDiscoveryFilter =
    [
        new(SockFilter.LdBAbs, 0, 0, 20),
        new(SockFilter.JmpJeqK, 0, 4, 58),
        new(SockFilter.LdBAbs, 0, 0, 54),
        new(SockFilter.JmpJeqK, 1, 0, 135),
        new(SockFilter.JmpJeqK, 0, 1, 136),
        new(SockFilter.RetK, 0, 0, 0xffff),
        new(SockFilter.RetK, 0, 0, 0),
    ];

    public int? Receive(Span<byte> buffer, TimeSpan timeout)
    {
        var milliseconds = (int)timeout.TotalMilliseconds;
        if (_receiveTimeoutMs != milliseconds)
        {
            _socket.ReceiveTimeout = milliseconds;
            _receiveTimeoutMs = milliseconds;
        }

        // The error code, not an exception: a quiet link times out at every poll (see VrrpSocket.Receive).
        var received = _socket.Receive(buffer, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => received,
            SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted => null,
            _ => throw new SocketException((int)error),
        };
    }

    public void Dispose() => _socket.Dispose();
}
