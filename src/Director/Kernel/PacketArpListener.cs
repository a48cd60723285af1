using System.Net.Sockets;
using HaDirector.Linux.Interop;

namespace HaDirector.Director.Kernel;

/// <summary>
/// An AF_PACKET socket bound to one interface and ETH_P_ARP: the kernel hands it that interface's ARP frames and
/// nothing else (no capture of other traffic, no promiscuous mode), with their Ethernet header.
/// </summary>
public sealed class PacketArpListener : IArpListener
{
    private const ushort EtherTypeArp = 0x0806;

    private readonly Socket _socket;
    private int _receiveTimeoutMs = -1;

    public PacketArpListener(int interfaceIndex)
    {
        // socket(2)'s protocol of a packet socket is the ethertype in network order.
        _socket = LinuxSocket.Open(LinuxConstants.AfPacket, LinuxConstants.SockRaw, (ushort)System.Net.IPAddress.HostToNetworkOrder((short)EtherTypeArp));
        try
        {
            LinuxSocket.BindPacket(_socket, EtherTypeArp, interfaceIndex);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public int? Receive(Span<byte> buffer, TimeSpan timeout)
    {
        var milliseconds = (int)timeout.TotalMilliseconds;
        if (_receiveTimeoutMs != milliseconds)
        {
            _socket.ReceiveTimeout = milliseconds;
            _receiveTimeoutMs = milliseconds;
        }

        try
        {
            return _socket.Receive(buffer, SocketFlags.None);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted)
        {
            return null;
        }
    }

    public void Dispose() => _socket.Dispose();
}
