using System.Net;
using System.Net.Sockets;

namespace HaDirector.Vrrp.Protocol.Authentication;

/// <summary>
/// The 20 bytes bound into the HMAC before the VRRP message: IP version (4 or 6), VRRP version, VRID, a zero byte and the
/// source address (IPv4 in the first 4 of 16 bytes, the rest zero). Binding the VRID and version stops splicing between
/// instances that share a key; binding the source ties the advert to its sender. The IP header itself is not covered
/// (the TTL and, for unicast, the destination differ between copies).
/// </summary>
public static class VrrpHmacPseudoHeader
{
    public const int Length = 20;

    public static void Write(Span<byte> destination, IPAddress source, VrrpVersion version, byte vrid)
    {
        ArgumentNullException.ThrowIfNull(source);
        var header = destination[..Length];
        header.Clear();
        header[0] = source.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)6 : (byte)4;
        header[1] = (byte)version;
        header[2] = vrid;
        if (!source.TryWriteBytes(header[4..], out _))
        {
            throw new ArgumentException($"{source} does not fit the pseudo-header.", nameof(source));
        }
    }
}
