using System.Buffers.Binary;
using HaDirector.Linux.Packets;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// What a real server's kernel answered a half-open check's SYN with, read from the IPv4 packet a raw socket
/// received. Addresses are IPv4 in network order read as big-endian numbers.
/// </summary>
public readonly record struct SynReply(uint Source, ushort SourcePort, ushort DestinationPort, uint Sequence, uint Acknowledgment, byte Flags)
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

        var tcp = packet[ipLength..];
        return new SynReply(
            BinaryPrimitives.ReadUInt32BigEndian(packet[12..]),
            BinaryPrimitives.ReadUInt16BigEndian(tcp),
            BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]),
            tcp[13]);
    }

    /// <summary>The reply to the SYN whose sequence number was <paramref name="isn"/>: it acknowledges ISN + 1, as a SYN cookie is checked.</summary>
    public bool Answers(uint isn) => Acknowledgment == unchecked(isn + 1);
}
