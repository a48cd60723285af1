using System.Buffers.Binary;
using System.Net;

namespace HaDirector.Linux.Packets;

/// <summary>
/// The 20-byte IPv4 header (no options) for the raw sockets that send with IP_HDRINCL: VRRP adverts, whose source
/// must be the primary address the v3 pseudo-header covered and whose TTL must be 255 (RFC 5798 §5.1.1.3), and
/// half-open checks' SYNs. With <c>id</c> and the checksum left zero the kernel fills both in.
/// </summary>
/// <remarks>
/// <code>
///  0  version 4, IHL 5 | TOS | total length
///  4  identification   | flags, fragment offset
///  8  TTL | protocol   | header checksum
/// 12  source address
/// 16  destination address
/// </code>
/// </remarks>
public static class Ipv4Header
{
    public const int Length = 20;

    private const ushort DontFragment = 0x4000;

    /// <summary>Writes the header for a payload of <paramref name="payloadLength"/> bytes; addresses are 4 bytes in network order.</summary>
    public static void Write(Span<byte> header, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol,
        int payloadLength, byte timeToLive, byte typeOfService = 0, ushort id = 0, bool dontFragment = false, bool checksum = false)
    {
        header[0] = 0x45;
        header[1] = typeOfService;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(Length + payloadLength));
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], dontFragment ? DontFragment : (ushort)0);
        header[8] = timeToLive;
        header[9] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], 0);
        source[..4].CopyTo(header[12..]);
        destination[..4].CopyTo(header[16..]);
        if (checksum)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header[10..], InternetChecksum.Finish(InternetChecksum.Add(0, header[..Length])));
        }
    }

    /// <summary>As above with <see cref="IPAddress"/> (IPv4) addresses.</summary>
    public static void Write(Span<byte> header, IPAddress source, IPAddress destination, byte protocol, int payloadLength,
        byte timeToLive, byte typeOfService = 0)
    {
        Span<byte> from = stackalloc byte[4];
        Span<byte> to = stackalloc byte[4];
        source.TryWriteBytes(from, out _);
        destination.TryWriteBytes(to, out _);
        Write(header, from, to, protocol, payloadLength, timeToLive, typeOfService);
    }
}
