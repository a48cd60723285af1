using System.Runtime.InteropServices;

namespace HaDirector.Linux.Netlink.Route;

/// <summary>
/// struct rtmsg (linux/rtnetlink.h), 12 bytes: u8 family, dst_len, src_len, tos, table, protocol, scope, type;
/// u32 flags. rtm_table holds only tables below 256; RTA_TABLE carries the full number.
/// </summary>
public readonly record struct RouteMessage(byte Family, byte DestinationLength, byte Table, byte Protocol, byte Scope, byte Type)
{
    public const int Size = 12;

    public static RouteMessage Read(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Size)
        {
            throw new InvalidDataException($"rtmsg needs {Size} bytes, got {payload.Length}");
        }

        return new RouteMessage(payload[0], payload[1], payload[4], payload[5], payload[6], payload[7]);
    }

    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        destination[0] = Family;
        destination[1] = DestinationLength;
        destination[4] = Table;
        destination[5] = Protocol;
        destination[6] = Scope;
        destination[7] = Type;
        MemoryMarshal.Write(destination[8..], 0u);
    }
}
