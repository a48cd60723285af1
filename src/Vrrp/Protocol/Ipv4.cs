using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace HaDirector.Vrrp.Protocol;

/// <summary>IPv4 addresses as big-endian unsigned integers (network order read as a number).</summary>
public static class Ipv4
{
    /// <summary>
    /// The address as an unsigned 32-bit number, so that comparing two results compares the
    /// addresses as RFC 5798 §6.4.3 means ("greater primary IP address").
    /// </summary>
    public static uint ToUInt32(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"'{address}' is not an IPv4 address.", nameof(address));
        }

        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    public static IPAddress ToAddress(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
