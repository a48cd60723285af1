using System.Runtime.InteropServices;

namespace HaDirector.Linux.Netlink.Route;

/// <summary>
/// struct ifinfomsg (linux/rtnetlink.h), 16 bytes:
/// u8 family, u8 pad, u16 type (ARPHRD_*), s32 index, u32 flags (IFF_*), u32 change.
/// </summary>
public readonly record struct InterfaceInfoMessage(byte Family, ushort Type, int Index, uint Flags, uint Change)
{
    public const int Size = 16;

    public static InterfaceInfoMessage Read(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Size)
        {
            throw new InvalidDataException($"ifinfomsg needs {Size} bytes, got {payload.Length}");
        }

        return new InterfaceInfoMessage(
            payload[0],
            MemoryMarshal.Read<ushort>(payload[2..]),
            MemoryMarshal.Read<int>(payload[4..]),
            MemoryMarshal.Read<uint>(payload[8..]),
            MemoryMarshal.Read<uint>(payload[12..]));
    }

    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        destination[0] = Family;
        var type = Type;
        var index = Index;
        var flags = Flags;
        var change = Change;
        MemoryMarshal.Write(destination[2..], in type);
        MemoryMarshal.Write(destination[4..], in index);
        MemoryMarshal.Write(destination[8..], in flags);
        MemoryMarshal.Write(destination[12..], in change);
    }
}
