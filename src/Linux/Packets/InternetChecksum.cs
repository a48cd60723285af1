using System.Buffers.Binary;

namespace HaDirector.Linux.Packets;

/// <summary>The one's-complement sum of RFC 1071, as IPv4 and TCP headers carry it.</summary>
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

    private static uint Fold(uint sum)
    {
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return sum;
    }
}
