using System.Runtime.InteropServices;

namespace HaDirector.Linux.Netlink.Codec;

/// <summary>struct genlmsghdr (linux/genetlink.h): u8 cmd, u8 version, u16 reserved (zero).</summary>
public readonly record struct GenericNetlinkHeader(byte Command, byte Version)
{
    public const int Size = 4;

    public static GenericNetlinkHeader Read(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Size)
        {
            throw new InvalidDataException($"generic netlink header needs {Size} bytes, got {payload.Length}");
        }

        return new GenericNetlinkHeader(payload[0], payload[1]);
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = Command;
        destination[1] = Version;
        MemoryMarshal.Write(destination[2..], (ushort)0);
    }
}
