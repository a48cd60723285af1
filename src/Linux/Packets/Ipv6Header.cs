using System.Buffers.Binary;

namespace HaDirector.Linux.Packets;

/// <summary>
/// The 40-byte IPv6 header (no extension headers) for frames written whole on a packet socket: unsolicited
/// neighbour advertisements, whose hop limit must be 255 (RFC 4861 §7.1.2).
/// </summary>
/// <remarks>
/// <code>
///  0  version 6, traffic class, flow label
///  4  payload length | next header | hop limit
///  8  source address (16)
/// 24  destination address (16)
/// </code>
/// </remarks>
public static class Ipv6Header
{
    public const int Length = 40;

    /// <summary>Writes the header for a payload of <paramref name="payloadLength"/> bytes; addresses are 16 bytes.</summary>
    public static void Write(Span<byte> header, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte nextHeader,
        int payloadLength, byte hopLimit)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header, 6u << 28);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], checked((ushort)payloadLength));
        header[6] = nextHeader;
        header[7] = hopLimit;
        source[..16].CopyTo(header[8..]);
        destination[..16].CopyTo(header[24..]);
    }
}
