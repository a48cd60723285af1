using System.Net.Sockets;
using HaDirector.Linux.Interop;

namespace HaDirector.Director.Kernel;

/// <summary>
/// An AF_PACKET socket bound to one interface and one ethertype, with their Ethernet header: the kernel hands it that
/// interface's frames of that type which its filter accepts and nothing else (no capture of other traffic, no
/// promiscuous mode). A receive waits in epoll for the socket or a stop signal (an eventfd): a packet socket has no
/// shutdown(2) to end a blocked recv, and the watch must neither poll on a timer nor outlive its interface.
/// </summary>
public sealed class PacketListener : IArpListener
{
    private const ushort EtherTypeArp = 0x0806;
    private const ushort EtherTypeIpv6 = 0x86dd;

    private const long SocketReady = 0;
    private const long StopSignalled = 1;

    private readonly Socket _socket;
    private readonly Epoll _epoll = new();
    private readonly EventFd _stop = new();
    private volatile bool _stopped;

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
            _epoll.Add(_socket.SafeHandle, Libc.EpollIn, SocketReady);
            _epoll.Add(_stop.Handle, Libc.EpollIn, StopSignalled);
        }
        catch
        {
            _socket.Dispose();
            _epoll.Dispose();
            _stop.Dispose();
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

    /// <summary>Two syscalls a frame (epoll_wait, then recv without waiting); a quiet link costs none.</summary>
    /// <exception cref="LinuxErrorException">The socket failed (the link went down: "Network is down").</exception>
    public unsafe int? Receive(Span<byte> buffer, TimeSpan timeout)
    {
        var milliseconds = timeout == Timeout.InfiniteTimeSpan ? -1 : (int)timeout.TotalMilliseconds;
        var events = stackalloc byte[2 * Libc.EpollEventSize];
        while (!_stopped)
        {
            var ready = _epoll.Wait(events, 2, milliseconds);
            if (_stopped || (ready == 0 && milliseconds >= 0))
            {
                return null;
            }

            // Level-triggered: a frame still queued makes the next wait return at once.
            if (ready > 0 && LinuxSocket.TryReceive(_socket.SafeHandle, buffer) is { } received)
            {
                return received;
            }
        }

        return null;
    }

    public void StopReceiving()
    {
        if (!_stopped)
        {
            _stopped = true;
            _stop.Signal();
        }
    }

    public void Dispose()
    {
        StopReceiving();
        _socket.Dispose();
        _epoll.Dispose();
        _stop.Dispose();
    }
}
