using System.Runtime.InteropServices;

namespace HaDirector.Linux.Netlink.Codec;

/// <summary>
/// struct nlmsghdr (linux/netlink.h), 16 bytes in host byte order:
/// <code>
///  0               4       6       8               12              16
///  +---------------+-------+-------+---------------+---------------+
///  | nlmsg_len     | type  | flags | nlmsg_seq     | nlmsg_pid     |
///  +---------------+-------+-------+---------------+---------------+
/// </code>
/// nlmsg_len counts the header and the payload including attribute padding.
/// </summary>
public readonly record struct NetlinkHeader(uint Length, ushort Type, ushort Flags, uint Sequence, uint PortId)
{
    public const int Size = 16;

    public static NetlinkHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new InvalidDataException($"netlink message header needs {Size} bytes, got {source.Length}");
        }

        return new NetlinkHeader(
            MemoryMarshal.Read<uint>(source),
            MemoryMarshal.Read<ushort>(source[4..]),
            MemoryMarshal.Read<ushort>(source[6..]),
            MemoryMarshal.Read<uint>(source[8..]),
            MemoryMarshal.Read<uint>(source[12..]));
    }

    public void Write(Span<byte> destination)
    {
        var length = Length;
        var type = Type;
        var flags = Flags;
        var sequence = Sequence;
        var portId = PortId;
        MemoryMarshal.Write(destination, in length);
        MemoryMarshal.Write(destination[4..], in type);
        MemoryMarshal.Write(destination[6..], in flags);
        MemoryMarshal.Write(destination[8..], in sequence);
        MemoryMarshal.Write(destination[12..], in portId);
    }

    public bool HasFlag(ushort flag) => (Flags & flag) == flag;
}
