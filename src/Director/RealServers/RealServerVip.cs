using System.Net;
using System.Net.Sockets;

namespace HaDirector.Director.RealServers;

/// <summary>Turns a <c>--vip</c> argument into an IPv4 address, or says why it cannot be a real server's VIP.</summary>
public static class RealServerVip
{
    /// <summary>Accepts "a.b.c.d" or "a.b.c.d/32"; returns null and sets <paramref name="error"/> otherwise.</summary>
    public static IPAddress? Parse(string text, out string? error)
    {
        error = null;
        var address = text;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            address = text[..slash];
            if (text[(slash + 1)..] != "32" && !text.Contains(':', StringComparison.Ordinal))
            {
                error = $"--vip {text}: a real server holds the VIP as a /32 host address on lo; give the address alone (or with /32)";
                return null;
            }
        }

        if (!IPAddress.TryParse(address, out var ip) || (ip.AddressFamily == AddressFamily.InterNetwork && address.Count(c => c == '.') != 3))
        {
            error = $"--vip {text}: not an IPv4 address (expected a.b.c.d, e.g. 10.19.166.88)";
            return null;
        }

        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            error = $"--vip {text}: IPv6 VIPs are not supported: arp_ignore/arp_announce only govern IPv4 ARP, and IPv6 uses " +
                    "neighbour discovery, which these settings do not silence; HaDirector's VRRP and IPVS side is IPv4-only too";
            return null;
        }

        var b = ip.GetAddressBytes();
        if (b[0] == 0 || b[0] == 127 || b[0] >= 224 || ip.Equals(IPAddress.Broadcast))
        {
            error = $"--vip {text}: {Describe(b[0])} cannot be a service address";
            return null;
        }

        return ip;
    }

    private static string Describe(byte first) => first switch
    {
        0 => "0.0.0.0/8 (this network)",
        127 => "a loopback address (127.0.0.0/8)",
        < 240 => "a multicast address (224.0.0.0/4)",
        _ => "a reserved or broadcast address (240.0.0.0/4)",
    };
}
