using System.Net;
using System.Net.Sockets;

namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>IPVS sends addresses as union nf_inet_addr: 16 bytes, an IPv4 address in the first 4.</summary>
internal static class IpvsAddress
{
    public static IPAddress Read(ReadOnlySpan<byte> value, AddressFamily family)
    {
        var size = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        if (value.Length < size)
        {
            throw new InvalidDataException($"IPVS address has {value.Length} bytes, expected {size}");
        }

        return new IPAddress(value[..size]);
    }
}
