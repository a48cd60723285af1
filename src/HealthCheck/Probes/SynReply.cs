using System.Buffers.Binary;
using HaDirector.Linux.Packets;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// What a real server's kernel answered a half-open check's SYN with, read from the IPv4 packet a raw socket
/// received: the whole IPv4 packet, or an IPv6 raw socket's TCP segment and the address its msg_name gave.
/// <see cref="Source"/> holds either family (IPv4 as IPv4-mapped, see <see cref="SynAddress"/>).
/// </summary>
public readonly record struct SynReply(UInt128 Source, ushort SourcePort, ushort DestinationPort, uint Sequence, uint Acknowledgment, byte Flags)
{
    /// <summary>SYN-ACK: the port accepts connections (RFC 793 §3.4: the server answers SYN with SYN, ACK).</summary>
    public bool Accepted => (Flags & (SynSegment.Syn | SynSegment.Ack | SynSegment.Rst)) == (SynSegment.Syn | SynSegment.Ack);

    /// <summary>RST with ACK: nothing listens there (a closed port answers a SYN with RST, ACK of ISN + 1).</summary>
    public bool Refused => (Flags & (SynSegment.Rst | SynSegment.Ack)) == (SynSegment.Rst | SynSegment.Ack);

    /// <summary>Null unless the packet is a whole IPv4 TCP header that is not a later fragment.</summary>
    public static SynReply? Read(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < SynSegment.Ipv4HeaderLength || packet[0] >> 4 != 4 || packet[9] != 6
            || (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x1fff) != 0)
        {
            return null;
        }

        var ipLength = (packet[0] & 0x0f) * 4;
        if (ipLength < SynSegment.Ipv4HeaderLength || packet.Length < ipLength + 20)
        {
            return null;
        }

        return ReadTcp(packet[ipLength..], SynAddress.FromIpv4(BinaryPrimitives.ReadUInt32BigEndian(packet[12..])));
    }

    /// <summary>
    /// An IPv6 raw socket hands over the segment without the IPv6 header (raw(7): only IPv4 raw sockets include
    /// it); the source is the sockaddr_in6 the kernel filled in. Null unless the fixed TCP header is whole.
    /// </summary>
    public static SynReply? ReadIpv6(ReadOnlySpan<byte> tcp, ReadOnlySpan<byte> source) =>
        tcp.Length < 20 || source.Length < 16 ? null : ReadTcp(tcp, BinaryPrimitives.ReadUInt128BigEndian(source));

    private static SynReply ReadTcp(ReadOnlySpan<byte> tcp, UInt128 source) =>
        new(
            source,
            BinaryPrimitives.ReadUInt16BigEndian(tcp),
            BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]),
            tcp[13]);

    /// <summary>The reply to the SYN whose sequence number was <paramref name="isn"/>: it acknowledges ISN + 1, as a SYN cookie is checked.</summary>
    public bool Answers(uint isn) => Acknowledgment == unchecked(isn + 1);
}
