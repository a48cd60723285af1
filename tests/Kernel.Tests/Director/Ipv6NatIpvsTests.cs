using System.Net;
using System.Net.Sockets;

namespace HaDirector.KernelTests.Director;

/// <summary>
/// IPv6 through the real kernel's IPVS beyond direct routing: a NAT (masquerading) service that answers a client,
/// and <c>expire_nodest_conn</c>, which the director sets, covering IPv6 connections. One director
/// (<see cref="LvsDrCluster"/> with IPv6 on its LAN, <see cref="LvsDrIpv6"/>) holds the IPv6 VIP by VRRPv3 over IPv6.
/// </summary>
/// <remarks>
/// NAT needs the replies to come back through the director, which the LAN's on-link client (the router's 2001:2::1)
/// would not do: the client speaks from 2001:2:9::1 on the router's lo instead, the real servers route 2001:2:9::/64
/// via the director, and the director forwards IPv6 and routes that prefix back to the router. A one-armed director
/// forwards out of the interface the reply came in on, which makes it send an ICMPv6 redirect pointing the real
/// server at the router (IPv6 has no send_redirects switch): the real servers refuse redirects.
/// </remarks>
[Trait(KernelVm.Trait, KernelVm.TraitValue)]
public sealed class Ipv6NatIpvsTests : IDisposable
{
    private const string Vip6 = "2001:2::100";
    private const string Client = "2001:2:9::1";
    private const string ClientPrefix = "2001:2:9::/64";
    private const int EchoPort = 7007;
    private const int WebPort = 8080;
    private const int NatPort = 8081;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180); // TCG on a busy 2-core host is slow
    private readonly LvsDrCluster _cluster;
    private readonly List<ManagedProcess> _servers = [];
    private readonly Dictionary<string, ManagedProcess> _web = [];

    public Ipv6NatIpvsTests()
    {
        KernelVm.Require();
        _cluster = new LvsDrCluster("lb1");
        LvsDrIpv6.Add(_cluster);
        LanTopology.Ip(_cluster.Lan.Router, "addr", "add", Client + "/128", "dev", "lo", "nodad");
        Shell.Check("ip", "netns", "exec", Lb1.Namespace, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
        LanTopology.Ip(Lb1.Namespace, "-6", "route", "add", ClientPrefix, "via", "2001:2::1");
        foreach (var rs in new[] { _cluster.Rs1, _cluster.Rs2 })
        {
            LvsDrIpv6.RealServerUp(rs, Vip6);
            Shell.Check("ip", "netns", "exec", rs.Namespace, "sysctl", "-q", "-w", "net.ipv6.conf.eth0.accept_redirects=0");
            LanTopology.Ip(rs.Namespace, "-6", "route", "add", ClientPrefix, "via", LvsDrIpv6.Of(Lb1));
            var web = new ManagedProcess("web6@" + rs.Name, rs.Namespace, "python3", ["-c", LvsDrIpv6.Server(rs.Name, WebPort, echo: false)]);
            _servers.Add(web);
            _web[rs.Name] = web;
            _servers.Add(new ManagedProcess("echo6@" + rs.Name, rs.Namespace, "python3", ["-c", LvsDrIpv6.Server(rs.Name, EchoPort, echo: true)]));
        }
    }

    private LanHost Lb1 => _cluster.Lan["lb1"];

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        _cluster.Dispose();
    }

    [Fact]
    public void Ipv6NatService_Answers_AndARemovedServersConnectionIsExpiredAndResetNotBlackholed()
    {
        _cluster.StartDirector("lb1", Config());
        Wait.Until(() => LvsDrIpv6.Holds(Lb1, Vip6), Bound, "lb1 to hold the IPv6 VIP", _cluster.Diagnostics);
        Wait.Until(() => Weight(NatPort, _cluster.Rs1, WebPort) == 1 && Weight(NatPort, _cluster.Rs2, WebPort) == 1
                && Weight(EchoPort, _cluster.Rs1, EchoPort) == 1 && Weight(EchoPort, _cluster.Rs2, EchoPort) == 1,
            Bound, "the IPv6 services programmed and both real servers healthy", _cluster.Diagnostics);

        // NAT: the director rewrites the VIP to each real server's own address and port and back again, so the client
        // hears the VIP answer; round robin takes both servers in turn.
        Assert.Equal(["rs1", "rs2"], Enumerable.Range(0, 4).Select(_ => LvsDrIpv6.Get(_cluster, Vip6, NatPort, Client)).ToHashSet().Order());
        Assert.Contains($"[{Client}]:", LvsDrCluster.Ipvsadm(Lb1, "-Lnc"));

        // expire_nodest_conn over IPv6: a live connection's real server leaves the service (its health check fails
        // while it still holds the connection). The kernel drops the connection's entry at once, before any packet,
        // and the flow's next segment meets the director's own TCP, which resets it: the client learns at once,
        // instead of retransmitting into an entry whose server is gone until it times out.
        using var connection = LvsDrIpv6.Connect(_cluster, Vip6, EchoPort);
        var server = LvsDrCluster.Echo(connection, "before");
        var client = $"[2001:2::1]:{((IPEndPoint)connection.LocalEndPoint!).Port} ";
        Assert.Contains(client, LvsDrCluster.Ipvsadm(Lb1, "-Lnc"));
        var other = server == "rs1" ? _cluster.Rs2 : _cluster.Rs1;
        var gone = _cluster.Lan[server];
        _web[server].Kill9();
        _web[server].WaitForExit(TimeSpan.FromSeconds(30));
        Wait.Until(() => Weight(EchoPort, gone, EchoPort) is null, Bound, server + " removed by its health check", _cluster.Diagnostics);
        Assert.Equal("1", Shell.Check("ip", ["netns", "exec", Lb1.Namespace, "cat", "/proc/sys/net/ipv4/vs/expire_nodest_conn"]).Trim());
        Wait.Until(() => !LvsDrCluster.Ipvsadm(Lb1, "-Lnc").Contains(client, StringComparison.Ordinal), Bound,
            "the kernel to expire the connection's entry", _cluster.Diagnostics);

        var reset = Assert.Throws<SocketException>(() => LvsDrCluster.Echo(connection, "after the removal"));
        Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);
        using var next = LvsDrIpv6.Connect(_cluster, Vip6, EchoPort);
        Assert.Equal(other.Name, LvsDrCluster.Echo(next, "a new connection"));
    }

    /// <summary>The weight of a real server's port in the IPv6 service on <paramref name="port"/>, or null when absent.</summary>
    private int? Weight(int port, LanHost realServer, int realPort)
    {
        var inService = false;
        foreach (var line in LvsDrCluster.Ipvsadm(Lb1, "-Ln").Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 2 && f[0] is "TCP" or "UDP" or "FWM")
            {
                inService = f[1] == $"[{Vip6}]:{port}";
            }
            else if (inService && f.Length >= 4 && f[0] == "->" && f[1] == $"[{LvsDrIpv6.Of(realServer)}]:{realPort}")
            {
                return int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>The IPv6 instance and two IPv6 services: NAT to the real servers' :8080, and DR echo checked on :8080.</summary>
    private string Config()
    {
        var rs1 = LvsDrIpv6.Of(_cluster.Rs1);
        var rs2 = LvsDrIpv6.Of(_cluster.Rs2);
        return LvsDrIpv6.Config(_cluster.Config(150), Vip6, 150, "", $$"""

              - name: nat6
                vip: {{Vip6}}
                port: {{NatPort}}
                scheduler: rr
                forwarding: nat
                healthCheck: {{LvsDrCluster.NoCheck}}
                realServers:
                  - { address: "{{rs1}}", port: {{WebPort}}, weight: 1 }
                  - { address: "{{rs2}}", port: {{WebPort}}, weight: 1 }
              - name: echo6
                vip: {{Vip6}}
                port: {{EchoPort}}
                scheduler: wlc
                healthCheck: { type: tcp, port: {{WebPort}}, interval: 1s, timeout: 800ms, rise: 1, fall: 2 }
                realServers:
                  - { address: "{{rs1}}", weight: 1 }
                  - { address: "{{rs2}}", weight: 1 }
            """);
    }
}
