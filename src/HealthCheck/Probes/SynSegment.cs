using System.Buffers.Binary;
using HaDirector.Linux.Packets;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// The half-open check's SYN: an IPv4 header and a TCP header with one option (MSS), written whole because the
/// raw socket sends with IP_HDRINCL. Shaped like an ordinary client's SYN so firewalls treat it as one.
/// </summary>
/// <remarks>
/// <code>
///  0      IPv4: 45 00 | total 44 | id | DF | ttl 64, proto 6 | checksum | source | destination
/// 20      TCP:  source port | destination port | sequence (the probe's ISN) | ack 0
/// 32            offset 6 words, flags SYN | window | checksum | urgent 0
/// 40            option MSS (kind 2, length 4) 1460
/// </code>
/// Over IPv6 (<see cref="WriteIpv6"/>) the same TCP header follows a 40-byte IPv6 header (hop limit 64, MSS 1440),
/// sent with IPV6_HDRINCL, its checksum over the IPv6 pseudo-header (RFC 8200 §8.1).
/// </remarks>
public static class SynSegment
{
    public const int Length = Ipv4HeaderLength + TcpHeaderLength;
    public const int Ipv6Length = Ipv6Header.Length + TcpHeaderLength;
    public const int Ipv4HeaderLength = Ipv4Header.Length;
    public const int TcpHeaderLength = 24;

    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Rst = 0x04;
    public const byte Ack = 0x10;

    private const byte TimeToLive = 64;
    private const ushort Window = 64240;
    private const ushort MaximumSegmentSize = 1460;

    // 1500 less the IPv6 header's 40 bytes and TCP's 20, as Linux advertises on a 1500-byte link.
    private const ushort MaximumSegmentSize6 = 1440;

    /// <summary>Writes <see cref="Length"/> bytes. Addresses are IPv4 (4 bytes each) in network order.</summary>
    public static void Write(
        Span<byte> packet, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, ushort sourcePort, ushort destinationPort, uint sequence, ushort id)
    {
        Ipv4Header.Write(packet, source, destination, 6, TcpHeaderLength, TimeToLive, id: id, dontFragment: true, checksum: true);

        var tcp = packet.Slice(Ipv4HeaderLength, TcpHeaderLength);
        WriteTcp(tcp, sourcePort, destinationPort, sequence, MaximumSegmentSize);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], InternetChecksum.Tcp(source[..4], destination[..4], tcp));
    }

    /// <summary>Writes <see cref="Ipv6Length"/> bytes. Addresses are IPv6 (16 bytes each) in network order.</summary>
    public static void WriteIpv6(
        Span<byte> packet, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, ushort sourcePort, ushort destinationPort, uint sequence)
    {
        Ipv6Header.Write(packet, source, destination, 6, TcpHeaderLength, TimeToLive);
        var tcp = packet.Slice(Ipv6Header.Length, TcpHeaderLength);
        WriteTcp(tcp, sourcePort, destinationPort, sequence, MaximumSegmentSize6);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], InternetChecksum.OverIpv6(source[..16], destination[..16], 6, tcp));
    }

    private static void WriteTcp(Span<byte> tcp, ushort sourcePort, ushort destinationPort, uint sequence, ushort maximumSegmentSize)
    {
        tcp.Clear();
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        tcp[12] = TcpHeaderLength / 4 << 4;
        tcp[13] = Syn;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], Window);
        tcp[20] = 2;
        tcp[21] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[22..], maximumSegmentSize);
    }
}
