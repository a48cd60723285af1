using System.Buffers.Binary;

namespace HaDirector.Linux.Packets;

/// <summary>The one's-complement sum of RFC 1071, as IPv4, TCP, ICMPv6 and VRRP carry it.</summary>
public static class InternetChecksum
{
    /// <summary>The folded sum of 16-bit big-endian words (an odd last byte padded with zero), not yet complemented.</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        for (; i + 1 < bytes.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(bytes[i..]);
        }

        if (i < bytes.Length)
        {
            sum += (uint)bytes[i] << 8;
        }

        return Fold(sum);
    }

    /// <summary>The value to write into a header: the complement of the folded sum.</summary>
    public static ushort Finish(uint sum) => (ushort)~Fold(sum);

    /// <summary>The TCP checksum: the RFC 793 pseudo-header (addresses, protocol 6, length) and the segment.</summary>
    public static ushort Tcp(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> segment)
    {
        var sum = Add(Add(6u + (uint)segment.Length, source), destination);
        return Finish(Add(sum, segment));
    }

    /// <summary>
    /// An upper-layer checksum over IPv6 (RFC 8200 §8.1): the pseudo-header of both 16-byte addresses, the
    /// upper-layer length and next header, then the payload with its checksum field zero.
    /// </summary>
    public static ushort OverIpv6(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte nextHeader, ReadOnlySpan<byte> payload)
    {
        // The 32-bit length counts as its two 16-bit words: the fold adds the high one to the low one.
        var sum = Add(Add((uint)payload.Length + nextHeader, source), destination);
        return Finish(Add(sum, payload));
    }

    private static uint Fold(uint sum)
    {
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return sum;
    }
}
