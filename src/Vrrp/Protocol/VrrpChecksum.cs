using HaDirector.Linux.Packets;

namespace HaDirector.Vrrp.Protocol;

/// <summary>The Internet checksum (RFC 1071) as VRRP uses it.</summary>
public static class VrrpChecksum
{
    /// <summary>
    /// The checksum of <paramref name="message"/> as it stands (a message whose checksum field is
    /// correct yields 0). v2 sums the message only (RFC 3768 §5.3.8); v3 adds the IPv4
    /// pseudo-header unless <paramref name="mode"/> says otherwise (RFC 5798 §5.2.8).
    /// Addresses are IPv4 in network order read as big-endian integers.
    /// </summary>
    public static ushort Compute(
        ReadOnlySpan<byte> message, VrrpVersion version, uint source, uint destination, VrrpChecksumMode mode)
    {
        var sum = InternetChecksum.Add(0, message);
        if (version == VrrpVersion.V3 && mode == VrrpChecksumMode.PseudoHeader)
        {
            sum += (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF);
            sum += VrrpCodec.IpProtocolNumber + (uint)message.Length;
        }

        return InternetChecksum.Finish(sum);
    }

    /// <summary>
    /// As above for addresses in network order, 4 bytes (IPv4) or 16 (IPv6). Over IPv6 the checksum always covers the
    /// IPv6 pseudo-header (RFC 5798 §5.2.8, RFC 8200 §8.1): <paramref name="mode"/> is an IPv4 choice only.
    /// </summary>
    public static ushort Compute(
        ReadOnlySpan<byte> message, VrrpVersion version, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, VrrpChecksumMode mode) =>
        source.Length == 16
            ? InternetChecksum.OverIpv6(source, destination, VrrpCodec.IpProtocolNumber, message)
            : Compute(message, version, (uint)VrrpAddress.Read(source), (uint)VrrpAddress.Read(destination), mode);
}
