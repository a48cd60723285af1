using System.Net;

namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>
/// An attacker on the link that writes whole IP datagrams (header included: any source address, any hop limit) in
/// Ethernet frames out of one port of the router's bridge (p-NAME), so they reach that host alone, as a packet socket
/// does: nothing in the datagram is checked or rewritten on the way.
/// </summary>
public static class FrameInjector
{
    /// <summary>The Ethernet destination of a datagram for <paramref name="destination"/>: the IPv6 multicast MAC or the host's own.</summary>
    public static string MacFor(IPAddress destination, LanHost host) =>
        destination.IsIPv6Multicast
            ? "33:33:" + string.Join(":", destination.GetAddressBytes()[12..].Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)))
            : host.Mac;

    /// <summary>Sends each datagram (hex) to <paramref name="host"/> in a frame for <paramref name="mac"/>.</summary>
    public static void Send(LanTopology lan, LanHost host, string mac, IEnumerable<string> hexDatagrams)
    {
        const string Script = """
            import socket, sys
            port, mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
            own = bytes.fromhex(open("/sys/class/net/br0/address").read().strip().replace(":", ""))
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((port, 0))
            for h in sys.argv[3:]:
                d = bytes.fromhex(h)
                s.send(mac + own + (b"\x86\xdd" if d[0] >> 4 == 6 else b"\x08\x00") + d)
            """;
        Shell.Check("ip", ["netns", "exec", lan.Router, "python3", "-c", Script, "p-" + host.Name, mac, .. hexDatagrams]);
    }
}
