using System.Buffers.Binary;
using System.Net;

namespace HaDirector.Vrrp.Transport;

/// <summary>
/// The IPv4 header we write ourselves (IP_HDRINCL): it pins the source to the primary address the v3
/// checksum's pseudo-header was computed over, whatever VIPs the interface holds, and TTL to 255
/// (RFC 5798 §5.1.1.3). The kernel fills in the identification and header checksum when they are zero.
/// </summary>
public static class Ipv4Header
{
    public const int Length = 20;

    /// <summary>Precedence "internetwork control" (0xC0), as keepalived sends.</summary>
    public const byte TypeOfService = 0xC0;

    public static void Write(Span<byte> header, IPAddress source, IPAddress destination, byte protocol, int payloadLength)
    {
        header[0] = 0x45; // version 4, IHL 5
        header[1] = TypeOfService;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(Length + payloadLength));
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 0); // id: kernel
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], 0); // no fragmentation flags
        header[8] = 255;
        header[9] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], 0); // checksum: kernel
        source.TryWriteBytes(header[12..16], out _);
        destination.TryWriteBytes(header[16..20], out _);
    }
}
