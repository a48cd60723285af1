using System.Buffers.Binary;
using System.Net.NetworkInformation;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Route;
using HaDirector.Vrrp.Arp;

namespace HaDirector.Director.Kernel;

/// <summary>
/// Sends whole Ethernet frames (gratuitous ARP, unsolicited neighbour adverts) on one interface through an AF_PACKET
/// socket of protocol 0, which receives nothing. Replaces libpcap (SharpPcap): a pcap handle maps a 4 MiB receive
/// ring even to send, resident for the daemon's lifetime, and the library and its own dependencies came with it
/// (docs/benchmarks.md, "Footprint").
/// </summary>
public sealed class PacketArpSender : IArpSender
{
    private const int SockAddrLlLength = 20;

    private readonly LinuxFileDescriptor _socket;
    private readonly int _interfaceIndex;

    public PacketArpSender(LinkInfo link)
    {
        _interfaceIndex = link.Index;
        MacAddress = link.MacAddress.GetAddressBytes().Length == 6
            ? link.MacAddress
            : throw new HostConditionException($"interface '{link.Name}' has no Ethernet address");
        _socket = LinuxSocket.OpenDescriptor(LinuxConstants.AfPacket, LinuxConstants.SockRaw, 0);
    }

    public PhysicalAddress MacAddress { get; }

    /// <exception cref="LinuxErrorException">The kernel refused the frame (the link is down: ENETDOWN).</exception>
    public unsafe void Send(ReadOnlySpan<byte> frame)
    {
        // struct sockaddr_ll: family, protocol (the frame's ethertype, network order), ifindex, then hatype, pkttype,
        // halen and the destination address, which a SOCK_RAW send ignores (the frame carries its own header).
        var address = stackalloc byte[SockAddrLlLength];
        var ll = new Span<byte>(address, SockAddrLlLength);
        ll.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(ll, (ushort)LinuxConstants.AfPacket);
        if (frame.Length >= 14)
        {
            frame.Slice(12, 2).CopyTo(ll[2..]);
        }

        BinaryPrimitives.WriteInt32LittleEndian(ll[4..], _interfaceIndex);
        fixed (byte* data = frame)
        {
            if (Libc.SendTo(_socket, data, (nuint)frame.Length, 0, address, SockAddrLlLength) < 0)
            {
                throw LinuxError.FromLastError($"sendto(AF_PACKET, ifindex {_interfaceIndex})");
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
