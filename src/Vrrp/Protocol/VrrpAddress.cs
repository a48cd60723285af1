using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace HaDirector.Vrrp.Protocol;

/// <summary>
/// IPv4 and IPv6 addresses as unsigned big-endian numbers (network order read as a number), so that a receiver can
/// compare and look them up without allocating, and RFC 5798 §6.4.3's "greater primary IP address" is a comparison.
/// An IPv4 address is its 32-bit value; an IPv6 address is its 128-bit value (the family travels beside it).
/// </summary>
public static class VrrpAddress
{
    /// <summary>Bytes of one address in an advert's address list (RFC 5798 §5.2.9).</summary>
    public static int Length(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? 16 : 4;

    public static UInt128 ToNumber(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException($"'{address}' is not an IP address.", nameof(address));
        }

        return Read(bytes[..written]);
    }

    /// <summary>The number of a 4- or 16-byte address in network order.</summary>
    public static UInt128 Read(ReadOnlySpan<byte> address) =>
        address.Length == 16 ? BinaryPrimitives.ReadUInt128BigEndian(address) : BinaryPrimitives.ReadUInt32BigEndian(address);

    public static IPAddress ToAddress(UInt128 value, AddressFamily family)
    {
        if (family != AddressFamily.InterNetworkV6)
        {
            return Ipv4.ToAddress((uint)value);
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    /// <summary>Writes <paramref name="address"/> in network order; returns the bytes written (4 or 16).</summary>
    public static int Write(IPAddress address, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.TryWriteBytes(destination, out var written))
        {
            throw new ArgumentException($"no room for '{address}'.", nameof(destination));
        }

        return written;
    }
}
