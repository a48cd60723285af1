using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace HaDirector.Linux.Packets;

/// <summary>
/// An unsolicited neighbour advertisement as a whole Ethernet frame (RFC 4861 §4.4, §7.2.6): the IPv6 GARP a new
/// master sends for each IPv6 VIP, from the VIP to all nodes (ff02::1), hop limit 255, Override set so caches
/// take the new link-layer address at once, Router set as RFC 9568 §8.2 asks of a VRRP router, Solicited clear,
/// and the target link-layer address option carrying the MAC.
/// </summary>
/// <remarks>
/// <code>
///  0  Ethernet: 33:33:00:00:00:01 | source MAC | 86 dd
/// 14  IPv6: payload 32, next header 58 (ICMPv6), hop limit 255, VIP -> ff02::1
/// 54  ICMPv6: type 136, code 0 | checksum | R S O + reserved (4) | target address (16)
/// 78  option: type 2 (target link-layer address), length 1 (8 bytes) | MAC
/// </code>
/// </remarks>
public static class NeighbourAdvertisement
{
    public const int Length = EthernetLength + Ipv6Header.Length + IcmpLength;

    private const int EthernetLength = 14;
    private const int IcmpLength = 32;
    private const byte Icmpv6 = 58;
    private const byte TypeNeighbourAdvertisement = 136;
    private const byte OptionTargetLinkLayerAddress = 2;
    private const uint RouterFlag = 0x8000_0000;
    private const uint OverrideFlag = 0x2000_0000;

    private static readonly byte[] AllNodes = IPAddress.Parse("ff02::1").GetAddressBytes();
    private static readonly byte[] AllNodesMac = [0x33, 0x33, 0, 0, 0, 1];

    /// <summary>Writes <see cref="Length"/> bytes announcing <paramref name="target"/> at <paramref name="mac"/> (6 bytes).</summary>
    public static void Write(Span<byte> frame, IPAddress target, ReadOnlySpan<byte> mac, bool router = true)
    {
        if (target.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"a neighbour advertisement is for an IPv6 address, got {target}", nameof(target));
        }

        Span<byte> address = stackalloc byte[16];
        target.TryWriteBytes(address, out _);
        AllNodesMac.CopyTo(frame);
        mac[..6].CopyTo(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], 0x86dd);
        Ipv6Header.Write(frame[EthernetLength..], address, AllNodes, Icmpv6, IcmpLength, hopLimit: 255);

        var icmp = frame.Slice(EthernetLength + Ipv6Header.Length, IcmpLength);
        icmp.Clear();
        icmp[0] = TypeNeighbourAdvertisement;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], (router ? RouterFlag : 0) | OverrideFlag);
        address.CopyTo(icmp[8..]);
        icmp[24] = OptionTargetLinkLayerAddress;
        icmp[25] = 1;
        mac[..6].CopyTo(icmp[26..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], InternetChecksum.OverIpv6(address, AllNodes, Icmpv6, icmp));
    }
}
