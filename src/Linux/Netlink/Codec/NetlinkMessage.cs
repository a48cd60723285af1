namespace HaDirector.Linux.Netlink.Codec;

/// <summary>One message of a receive buffer: its header and the payload after it (no trailing padding).</summary>
public readonly ref struct NetlinkMessage
{
    public NetlinkMessage(NetlinkHeader header, ReadOnlySpan<byte> payload)
    {
        Header = header;
        Payload = payload;
    }

    public NetlinkHeader Header { get; }

    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>For generic netlink messages: the attributes after the 4-byte genlmsghdr.</summary>
    /// <exception cref="InvalidDataException">The payload is shorter than a genlmsghdr (bench/fuzz: netlink; Slice threw before).</exception>
    public NetlinkAttributeReader GenericAttributes => Payload.Length < GenericNetlinkHeader.Size
        ? throw new InvalidDataException($"generic netlink message of {Payload.Length} payload bytes, shorter than its {GenericNetlinkHeader.Size}-byte header")
        : new(Payload[GenericNetlinkHeader.Size..]);

    /// <summary>The attributes after a fixed family header of <paramref name="familyHeaderSize"/> bytes.</summary>
    public NetlinkAttributeReader AttributesAfter(int familyHeaderSize) =>
        new(Payload.Length <= familyHeaderSize ? default : Payload[NetlinkAlignment.Align(familyHeaderSize)..]);
}
