using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// A half-open check's addresses as one 128-bit number of either family: IPv6 as it is, IPv4 as its IPv4-mapped
/// form (::ffff:a.b.c.d, RFC 4291 §2.5.5.2), which no IPv6 raw socket sends to, so the two never collide in a key.
/// </summary>
internal static class SynAddress
{
    private static readonly UInt128 MappedPrefix = (UInt128)0xffff << 32;

    public static bool TryFrom(IPAddress address, out UInt128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            value = 0;
            return false;
        }

        value = written == 4 ? MappedPrefix | BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;
    }

    public static UInt128 FromIpv4(uint address) => MappedPrefix | address;

    public static bool IsIpv4(UInt128 address) => address >> 32 == 0xffff;

    /// <summary>Four bytes for IPv4, sixteen for IPv6, in network order.</summary>
    public static int Write(UInt128 address, Span<byte> bytes)
    {
        if (IsIpv4(address))
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)address);
            return 4;
        }

        BinaryPrimitives.WriteUInt128BigEndian(bytes, address);
        return 16;
    }
}
