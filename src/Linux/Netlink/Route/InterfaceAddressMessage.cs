using System.Runtime.InteropServices;

namespace HaDirector.Linux.Netlink.Route;

/// <summary>struct ifaddrmsg (linux/if_addr.h), 8 bytes: u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index.</summary>
public readonly record struct InterfaceAddressMessage(byte Family, byte PrefixLength, byte Flags, byte Scope, int Index)
{
    public const int Size = 8;

    public static InterfaceAddressMessage Read(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Size)
        {
            throw new InvalidDataException($"ifaddrmsg needs {Size} bytes, got {payload.Length}");
        }

        return new InterfaceAddressMessage(payload[0], payload[1], payload[2], payload[3], MemoryMarshal.Read<int>(payload[4..]));
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = Family;
        destination[1] = PrefixLength;
        destination[2] = Flags;
        destination[3] = Scope;
        var index = Index;
        MemoryMarshal.Write(destination[4..], in index);
    }
}
