using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HaDirector.Linux.Interop;

namespace HaDirector.KernelTests.Director;

/// <summary>
/// IPv6 on an <see cref="LvsDrCluster"/>'s LAN (2001:2::/64, RFC 5180's benchmarking prefix): the router 2001:2::1,
/// the host at 198.18.0.N at 2001:2::N, all added nodad (no duplicate-address-detection delay); and the IPv6 servers
/// the tests run on the real servers.
/// </summary>
internal static class LvsDrIpv6
{
    public static void Add(LvsDrCluster cluster)
    {
        LanTopology.Ip(cluster.Lan.Router, "addr", "add", "2001:2::1/64", "dev", "br0", "nodad");
        foreach (var host in cluster.Lan.Hosts.Values)
        {
            LanTopology.Ip(host.Namespace, "addr", "add", Of(host) + "/64", "dev", "eth0", "nodad");
        }
    }

    /// <summary><c>hadirector realserver up --vip</c> on a real server: the IPv6 VIP on lo, kept out of neighbour discovery.</summary>
    public static void RealServerUp(LanHost rs, string vip)
    {
        var up = Shell.Run("ip", "netns", "exec", rs.Namespace, Binary.Path, "realserver", "up", "--vip", vip,
            "--state-dir", Directory.CreateTempSubdirectory("hd-rs-").FullName);
        Assert.True(up.ExitCode == 0, up.ToString());
    }

    /// <summary>2001:2::N for the host at 198.18.0.N.</summary>
    public static string Of(LanHost host) => "2001:2::" + host.Address.GetAddressBytes()[3].ToString(CultureInfo.InvariantCulture);

    /// <summary>The IPv6 address is on the host's eth0.</summary>
    public static bool Holds(LanHost host, string address) =>
        LanTopology.IpOut(host.Namespace, "-o", "-6", "addr", "show", "dev", "eth0").Contains($" {address}/", StringComparison.Ordinal);

    /// <summary>The router's neighbour-table MAC for an IPv6 address, or null.</summary>
    public static string? RouterMac(LvsDrCluster cluster, string address)
    {
        var f = LanTopology.IpOut(cluster.Lan.Router, "-6", "neigh", "show", address, "dev", "br0").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var i = Array.IndexOf(f, "lladdr");
        return i >= 0 ? f[i + 1] : null;
    }

    /// <summary>
    /// GET http://[vip]:port/ from the router namespace (the client side), from <paramref name="source"/> when given:
    /// the answering real server's name.
    /// </summary>
    public static string Get(LvsDrCluster cluster, string vip, int port, string? source = null)
    {
        string[] from = source is null ? [] : ["--interface", source];
        var get = Shell.Run("ip", ["netns", "exec", cluster.Lan.Router, "curl", "-sS", "--max-time", "5", .. from, $"http://[{vip}]:{port}/"]);
        Assert.True(get.ExitCode == 0, $"{get}\n{Shell.Run("ip", "netns", "exec", cluster.Lan.Router, "ip", "-6", "neigh").Stdout}\n{cluster.Diagnostics()}");
        return get.Stdout.Trim();
    }

    /// <summary>A TCP connection from the client side (the router namespace) to [vip]:port.</summary>
    public static Socket Connect(LvsDrCluster cluster, string vip, int port) => NetworkNamespace.Run(NetworkNamespace.PathOf(cluster.Lan.Router), () =>
    {
        // Long enough for retransmissions to outlast the sync daemon's 2-s flush.
        var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000 };
        socket.Connect(IPAddress.Parse(vip), port);
        return socket;
    });

    /// <summary>
    /// A director configuration of <see cref="LvsDrCluster.Config"/> with an IPv6 instance <c>web6</c> (VRRPv3 over IPv6,
    /// VRID 51) holding <paramref name="vip"/>, <paramref name="vrrpExtra"/> after the instances (e.g. a sync group) and
    /// <paramref name="services"/> after the virtual servers.
    /// </summary>
    public static string Config(string config, string vip, int priority, string vrrpExtra, string services) => config
        .Replace("\nmetrics:", $$"""

            - name: web6
              interface: eth0
              vrid: 51
              priority: {{priority}}
              version: 3
              advertInterval: 200ms
              virtualAddresses: [{{vip}}/128]
        {{vrrpExtra}}
        metrics:
        """, StringComparison.Ordinal)
        .Replace("\nipvs:", "\n" + services + "\nipvs:", StringComparison.Ordinal);

    /// <summary>An IPv6 server on [::]:port: an HTTP answer naming the real server, or a line echo prefixed with its name.</summary>
    public static string Server(string name, int port, bool echo) => $$"""
        import socket, socketserver
        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                if {{(echo ? "True" : "False")}}:
                    for line in self.rfile:
                        self.wfile.write(b"{{name}} " + line)
                        self.wfile.flush()
                else:
                    self.rfile.readline()
                    self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Length: {{name.Length + 1}}\r\n\r\n{{name}}\n")
        class Server(socketserver.ThreadingTCPServer):
            address_family = socket.AF_INET6
            allow_reuse_address = True
        Server(("::", {{port}}), Handler).serve_forever()
        """;
}
