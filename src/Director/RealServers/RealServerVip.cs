using System.Net;
using System.Net.Sockets;

namespace HaDirector.Director.RealServers;

/// <summary>Turns a <c>--vip</c> argument into an address, or says why it cannot be a real server's VIP.</summary>
public static class RealServerVip
{
    /// <summary>
    /// Accepts "a.b.c.d" or "a.b.c.d/32", and an IPv6 address alone or with /128; returns null and sets
    /// <paramref name="error"/> otherwise.
    /// </summary>
    public static IPAddress? Parse(string text, out string? error)
    {
        error = null;
        var address = text;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var v6 = text.Contains(':', StringComparison.Ordinal);
        if (slash >= 0)
        {
            address = text[..slash];
            if (text[(slash + 1)..] != (v6 ? "128" : "32"))
            {
                error = $"--vip {text}: a real server holds the VIP as a {(v6 ? "/128" : "/32")} host address on lo; give the address alone (or with {(v6 ? "/128" : "/32")})";
                return null;
            }
        }

        if (!IPAddress.TryParse(address, out var ip) || address.Contains('%', StringComparison.Ordinal)
            || (ip.AddressFamily == AddressFamily.InterNetwork && address.Count(c => c == '.') != 3))
        {
            error = v6
                ? $"--vip {text}: not an IPv6 address (expected e.g. 2001:db8::10, without brackets or zone)"
                : $"--vip {text}: not an IPv4 address (expected a.b.c.d, e.g. 10.19.166.88)";
            return null;
        }

        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (Ipv6Problem(ip) is { } problem)
            {
                error = $"--vip {text}: {problem} cannot be a service address";
                return null;
            }

            return ip;
        }

        var b = ip.GetAddressBytes();
        if (b[0] == 0 || b[0] == 127 || b[0] >= 224 || ip.Equals(IPAddress.Broadcast))
        {
            error = $"--vip {text}: {Describe(b[0])} cannot be a service address";
            return null;
        }

        return ip;
    }

    private static string? Ipv6Problem(IPAddress ip) =>
        ip.Equals(IPAddress.IPv6None) ? "the unspecified address (::)"
        : ip.Equals(IPAddress.IPv6Loopback) ? "the loopback address (::1)"
        : ip.IsIPv6Multicast ? "a multicast address (ff00::/8)"
        : ip.IsIPv6LinkLocal ? "a link-local address (fe80::/10)"
        : ip.IsIPv4MappedToIPv6 ? "an IPv4-mapped address (::ffff:0:0/96)"
        : null;

    private static string Describe(byte first) => first switch
    {
        0 => "0.0.0.0/8 (this network)",
        127 => "a loopback address (127.0.0.0/8)",
        < 240 => "a multicast address (224.0.0.0/4)",
        _ => "a reserved or broadcast address (240.0.0.0/4)",
    };
}
