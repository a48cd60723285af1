using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;

namespace HaDirector.Linux.Packets;

/// <summary>
/// What one received neighbour-discovery frame (RFC 4861 §4.3, §4.4) says about who holds an IPv6 address: the IPv6
/// counterpart of an ARP frame's sender, read from a whole Ethernet frame.
/// <list type="bullet">
/// <item>a neighbour advertisement claims its target address, for the MAC of its target link-layer address option (the
/// one caches take), else of its Ethernet source;</item>
/// <item>a neighbour solicitation from the unspecified address is duplicate address detection (RFC 4862 §5.4.2): another
/// node about to configure its target address, from its Ethernet source MAC;</item>
/// <item>any other solicitation claims its IPv6 source address (the node uses it), for the MAC of its source link-layer
/// address option, else of its Ethernet source.</item>
/// </list>
/// Frames that RFC 4861 §7.1 has a node ignore (hop limit below 255, ICMP code not 0, a bad checksum, too short) and
/// anything else are not read.
/// </summary>
/// <remarks>
/// <code>
///  0  Ethernet: dst MAC | src MAC | 86 dd
/// 14  IPv6: version | payload length (18) | next header 58 (20) | hop limit (21) | source (22) | destination (38)
/// 54  ICMPv6: type 135/136 | code 0 | checksum | flags or reserved (4) | target address (16) | options (8-byte units)
/// </code>
/// </remarks>
public readonly record struct NeighbourClaim(NeighbourClaimKind Kind, PhysicalAddress Mac, IPAddress Address)
{
    private const int EthernetLength = 14;
    private const int IcmpOffset = EthernetLength + Ipv6Header.Length;
    private const int MessageLength = 24; // type, code, checksum, 4 bytes, target
    private const byte Icmpv6 = 58;
    private const byte Solicitation = 135;
    private const byte Advertisement = 136;
    private const byte OptionSourceLinkLayer = 1;
    private const byte OptionTargetLinkLayer = 2;

    /// <summary>Reads an Ethernet/IPv6 neighbour solicitation or advertisement; false for anything else.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out NeighbourClaim claim)
    {
        claim = default;
        if (frame.Length < IcmpOffset + MessageLength
            || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x86dd
            || frame[EthernetLength] >> 4 != 6
            || frame[EthernetLength + 6] != Icmpv6
            || frame[EthernetLength + 7] != 255)
        {
            return false;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(frame[(EthernetLength + 4)..]);
        if (payloadLength < MessageLength || frame.Length < IcmpOffset + payloadLength)
        {
            return false;
        }

        var source = frame.Slice(EthernetLength + 8, 16);
        var destination = frame.Slice(EthernetLength + 24, 16);
        var icmp = frame.Slice(IcmpOffset, payloadLength);
        var type = icmp[0];
        if (type is not (Solicitation or Advertisement) || icmp[1] != 0 || InternetChecksum.OverIpv6(source, destination, Icmpv6, icmp) != 0)
        {
            return false;
        }

        var ethernetSource = frame.Slice(6, 6);
        var target = new IPAddress(icmp.Slice(8, 16));
        if (type == Advertisement)
        {
            claim = new NeighbourClaim(NeighbourClaimKind.Advertisement, MacOf(LinkLayerOption(icmp, OptionTargetLinkLayer, ethernetSource)), target);
            return true;
        }

        if (source.IndexOfAnyExcept((byte)0) < 0)
        {
            claim = new NeighbourClaim(NeighbourClaimKind.DuplicateAddressDetection, MacOf(ethernetSource), target);
            return true;
        }

        claim = new NeighbourClaim(NeighbourClaimKind.Solicitation, MacOf(LinkLayerOption(icmp, OptionSourceLinkLayer, ethernetSource)), new IPAddress(source));
        return true;
    }

    /// <summary>The 6-byte address of the first link-layer option of <paramref name="type"/> (RFC 4861 §4.6.1), else <paramref name="fallback"/>.</summary>
    private static ReadOnlySpan<byte> LinkLayerOption(ReadOnlySpan<byte> icmp, byte type, ReadOnlySpan<byte> fallback)
    {
        var options = icmp[MessageLength..];
        while (options.Length >= 8 && options[1] != 0 && options.Length >= options[1] * 8)
        {
            if (options[0] == type)
            {
                return options.Slice(2, 6);
            }

            options = options[(options[1] * 8)..];
        }

        return fallback;
    }

    private static PhysicalAddress MacOf(ReadOnlySpan<byte> bytes) => new(bytes.ToArray());
}
