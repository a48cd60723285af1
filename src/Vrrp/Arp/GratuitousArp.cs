using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace HaDirector.Vrrp.Arp;

/// <summary>Builds the gratuitous ARP frame a new master broadcasts for each VIP.</summary>
/// <remarks>
/// Written by hand rather than with PacketDotNet: its packet classes create their payload holder through
/// <c>Activator.CreateInstance&lt;T&gt;()</c> (trim warning IL2091 in the Native AOT build), and the frame is 42 fixed bytes.
/// <code>
///  0 dst MAC ff:ff:ff:ff:ff:ff | 6 src MAC (ours) | 12 ethertype 0x0806
/// 14 htype 1 (Ethernet) | 16 ptype 0x0800 (IPv4) | 18 hlen 6 | 19 plen 4 | 20 op 1 (request)
/// 22 sender MAC (ours) | 28 sender IP (VIP) | 32 target MAC 0 | 38 target IP (VIP)
/// </code>
/// </remarks>
public static class GratuitousArp
{
    /// <summary>Ethernet header (14) + ARP for Ethernet/IPv4 (28); the NIC pads it to the 60-byte minimum.</summary>
    public const int FrameLength = 42;

    private const ushort EtherTypeArp = 0x0806;
    private const ushort HardwareEthernet = 1;
    private const ushort ProtocolIPv4 = 0x0800;
    private const ushort OperationRequest = 1;

    /// <summary>
    /// An ARP request with sender = target = VIP, our MAC as sender hardware address, to broadcast.
    /// A request (not a reply) is what keepalived sends and what every Linux neighbour table accepts as
    /// an update of an existing entry (RFC 5227 §3 "ARP Announcement").
    /// </summary>
    public static byte[] Build(PhysicalAddress ourMac, IPAddress vip)
    {
        ArgumentNullException.ThrowIfNull(ourMac);
        ArgumentNullException.ThrowIfNull(vip);
        if (vip.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"a gratuitous ARP is for an IPv4 address, not {vip}", nameof(vip));
        }

        var mac = ourMac.GetAddressBytes();
        if (mac.Length != 6)
        {
            throw new ArgumentException($"not an Ethernet MAC address: {ourMac}", nameof(ourMac));
        }

        var frame = new byte[FrameLength];
        var span = frame.AsSpan();
        span[..6].Fill(0xff);
        mac.CopyTo(span[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[12..], EtherTypeArp);
        BinaryPrimitives.WriteUInt16BigEndian(span[14..], HardwareEthernet);
        BinaryPrimitives.WriteUInt16BigEndian(span[16..], ProtocolIPv4);
        span[18] = 6;
        span[19] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(span[20..], OperationRequest);
        mac.CopyTo(span[22..]);
        vip.TryWriteBytes(span[28..32], out _);
        // 32..37: target hardware address, zero.
        vip.TryWriteBytes(span[38..42], out _);
        return frame;
    }
}
