namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>An attacker on the link: raw IPv4 datagrams (header included) sent to 224.0.0.18 from the router's bridge.</summary>
public static class LinkInjector
{
    public static void Send(string routerNamespace, IEnumerable<string> hexDatagrams)
    {
        const string Script = """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(sys.argv[1]))
            for h in sys.argv[2:]:
                s.sendto(bytes.fromhex(h), ("224.0.0.18", 0))
            """;
        Shell.Check("ip", ["netns", "exec", routerNamespace, "python3", "-c", Script, LanTopology.RouterAddress.ToString(), .. hexDatagrams]);
    }
}
