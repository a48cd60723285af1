using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;

namespace HaDirector.Linux.Packets;

/// <summary>
/// The sender of one Ethernet/IPv4 ARP frame (request, reply or gratuitous), as received from an AF_PACKET socket with
/// its Ethernet header: the layout <c>HaDirector.Vrrp.Arp.GratuitousArp</c> writes.
/// <code>
///  0 dst MAC | 6 src MAC | 12 ethertype 0x0806 | 14 htype 1 | 16 ptype 0x0800 | 18 hlen 6 | 19 plen 4 | 20 op
/// 22 sender MAC | 28 sender IP | 32 target MAC | 38 target IP
/// </code>
/// </summary>
public readonly record struct ArpPacket(ushort Operation, PhysicalAddress SenderMac, IPAddress SenderAddress, IPAddress TargetAddress)
{
    /// <summary>Ethernet header (14) + ARP for Ethernet/IPv4 (28); what follows (padding to 60) is ignored.</summary>
    public const int MinimumLength = 42;

    /// <summary>Reads an Ethernet/IPv4 ARP frame; false for anything else (short, another ethertype or hardware, VLAN-tagged).</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out ArpPacket packet)
    {
        packet = default;
        if (frame.Length < MinimumLength
            || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0806
            || BinaryPrimitives.ReadUInt16BigEndian(frame[14..]) != 1
            || BinaryPrimitives.ReadUInt16BigEndian(frame[16..]) != 0x0800
            || frame[18] != 6
            || frame[19] != 4)
        {
            return false;
        }

        packet = new ArpPacket(
            BinaryPrimitives.ReadUInt16BigEndian(frame[20..]),
            new PhysicalAddress(frame[22..28].ToArray()),
            new IPAddress(frame[28..32]),
            new IPAddress(frame[38..42]));
        return true;
    }
}
