using System.Net;
using System.Text.RegularExpressions;

namespace HaDirector.KernelTests.Director;

/// <summary>
/// A director pair with an IPv6 VIP of its own, through the real kernel's IPVS: <see cref="LvsDrCluster"/> with IPv6 on
/// its LAN (<see cref="LvsDrIpv6"/>), on each director the IPv4 instance and an IPv6 one (VRRPv3 over IPv6) in a sync group,
/// both kernel sync daemons, warm standby, and on the IPv6 VIP a DR service (echo), a tunnelled one with persistence per
/// /64, and a NAT one (served by <see cref="Ipv6NatIpvsTests"/>). ipvsadm is the witness; the router namespace is the client.
/// </summary>
[Trait(KernelVm.Trait, KernelVm.TraitValue)]
public sealed class Ipv6PairIpvsTests : IDisposable
{
    private const string Vip6 = "2001:2::100";
    private const int EchoPort = 7007;
    private const int TunPort = 8080;
    private const int NatPort = 8081;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180); // TCG on a busy 2-core host is slow
    private readonly LvsDrCluster _cluster;
    private readonly List<ManagedProcess> _servers = [];

    public Ipv6PairIpvsTests()
    {
        KernelVm.Require();
        // IPVS's IPv6 tunnel (ip6ip6) arrives on a real server's fallback device ip6tnl0, made in every namespace once
        // ip6_tunnel is loaded; the VIP on lo takes the inner packet as it takes a DR one.
        Shell.Check("modprobe", "ip6_tunnel");
        Shell.Check("modprobe", "ip_vs");
        _cluster = new LvsDrCluster("lb1", "lb2");
        LvsDrIpv6.Add(_cluster);
        foreach (var lb in new[] { Lb1, Lb2 })
        {
            // The kernel's sync protocol 0 carries IPv4 connections only: the director must switch to 1 for IPv6.
            Shell.Check("ip", "netns", "exec", lb.Namespace, "sysctl", "-q", "-w", "net.ipv4.vs.sync_version=0");
        }

        foreach (var rs in new[] { _cluster.Rs1, _cluster.Rs2 })
        {
            LvsDrIpv6.RealServerUp(rs, Vip6);
            LanTopology.Ip(rs.Namespace, "link", "set", "ip6tnl0", "up");
            _servers.Add(new ManagedProcess("echo6@" + rs.Name, rs.Namespace, "python3", ["-c", LvsDrIpv6.Server(rs.Name, EchoPort, echo: true)]));
            _servers.Add(new ManagedProcess("web6@" + rs.Name, rs.Namespace, "python3", ["-c", LvsDrIpv6.Server(rs.Name, TunPort, echo: false)]));
        }
    }

    private LanHost Lb1 => _cluster.Lan["lb1"];

    private LanHost Lb2 => _cluster.Lan["lb2"];

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        _cluster.Dispose();
    }

    [Fact]
    public void Ipv6Vip_NatTunPersistenceProgrammed_TunnelServed_SyncDaemonCarriesAConnectionAcrossFailoverAndResume()
    {
        var lb1 = _cluster.StartDirector("lb1", Config(150));
        _cluster.StartDirector("lb2", Config(100));
        Wait.Until(() => LvsDrIpv6.Holds(Lb1, Vip6) && Lb1.HasAddress(LvsDrCluster.Vip), Bound, "lb1 to hold both VIPs", _cluster.Diagnostics);
        Wait.Until(() => Regex.IsMatch(LvsDrCluster.Ipvsadm(Lb1, "-Ln"), @"\[2001:2::13\]:8080\s+Masq"), Bound, "the IPv6 services programmed", _cluster.Diagnostics);

        // As ipvsadm shows them: DR, tunnel with persistence per /64 (the IPv6 netmask as a prefix length), NAT to another port.
        var table = LvsDrCluster.Ipvsadm(Lb1, "-Ln");
        Assert.Matches(Destination(@"\[2001:2::100\]:7007\s+wlc", @"\[2001:2::12\]:7007\s+Route\s+1"), table);
        Assert.Matches(Destination(@"\[2001:2::100\]:8080\s+wlc\s+persistent\s+300\s+mask\s+64", @"\[2001:2::12\]:8080\s+Tunnel\s+1"), table);
        Assert.Matches(Destination(@"\[2001:2::100\]:8081\s+rr", @"\[2001:2::13\]:8080\s+Masq\s+1"), table);
        Assert.False(LvsDrIpv6.Holds(Lb2, Vip6));

        // Served through the IPv6 tunnel, every request by the one real server the router's /64 sticks to; the
        // persistence template carries the client's prefix, not its address.
        var served = Enumerable.Range(0, 4).Select(_ => LvsDrIpv6.Get(_cluster, Vip6, TunPort)).ToHashSet();
        Assert.Single(served);
        Assert.Contains(Assert.Single(served), new[] { "rs1", "rs2" });
        Assert.Contains("[2001:2::]:0", LvsDrCluster.Ipvsadm(Lb1, "-Lnc"));

        // The director switched both kernels to sync protocol 1, whose messages carry IPv6 connections.
        foreach (var lb in new[] { Lb1, Lb2 })
        {
            Wait.Until(() => Sysctl(lb, "sync_version") == "1", Bound, lb.Name + ": sync_version 1", _cluster.Diagnostics);
        }

        // An established IPv6 connection through lb1 reaches lb2's connection table by the sync daemon, and keeps
        // its real server when `failover` hands both instances (the sync group) to lb2; `resume` brings both back.
        using var connection = LvsDrIpv6.Connect(_cluster, Vip6, EchoPort);
        var server = LvsDrCluster.Echo(connection, "before");
        var client = $"[2001:2::1]:{((IPEndPoint)connection.LocalEndPoint!).Port} ";
        Wait.Until(() => LvsDrCluster.Ipvsadm(Lb2, "-Lnc").Split('\n').Any(l => l.Contains(client) && l.Contains("[2001:2::100]:7007")),
            Bound, "lb2 to learn the IPv6 connection from lb1's sync daemon", _cluster.Diagnostics);

        var failover = lb1.Cli("failover");
        Assert.True(failover.ExitCode == 0, failover + _cluster.Diagnostics());
        Assert.Contains("web6: handed over to", failover.Stdout);
        Wait.Until(() => LvsDrIpv6.Holds(Lb2, Vip6) && !LvsDrIpv6.Holds(Lb1, Vip6), Bound, "lb2 to hold the IPv6 VIP alone", _cluster.Diagnostics);
        Wait.Until(() => LvsDrIpv6.RouterMac(_cluster, Vip6) == Lb2.Mac, Bound, "the router's entry on lb2's MAC (its neighbour advert)", _cluster.Diagnostics);
        Assert.Equal(server, LvsDrCluster.Echo(connection, "after the handover"));

        // lb1 kept its own entry of the connection while backup: with the services left in place (warm standby) its
        // real server stays available, so the kernel's expire_nodest_conn sweep does not take it. Without warm standby
        // lb1 deletes the services on leaving master, the sweep deletes the entry a jiffy later (Ipv6NatIpvsTests shows
        // it), lb2 re-announces a connection only every 50 packets, and lb1 reset the connection after the preemption
        // below (traced: docs/configuration.md, "A connection that comes back").
        Assert.Contains(client, LvsDrCluster.Ipvsadm(Lb1, "-Lnc"));

        var resume = lb1.Cli("resume");
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Contains("web6: resumed", resume.Stdout);
        Wait.Until(() => LvsDrIpv6.Holds(Lb1, Vip6) && !LvsDrIpv6.Holds(Lb2, Vip6), Bound, "lb1 to preempt for the IPv6 VIP", _cluster.Diagnostics);
        Wait.Until(() => LvsDrIpv6.RouterMac(_cluster, Vip6) == Lb1.Mac, Bound, "the router's entry back on lb1's MAC", _cluster.Diagnostics);
        Assert.Equal(server, LvsDrCluster.Echo(connection, "after the preemption back to lb1"));
    }

    /// <summary>A pattern for `ipvsadm -Ln`: the service line, then among its destinations (in any order) the one given.</summary>
    private static string Destination(string service, string destination) => $@"TCP\s+{service}\s*\n(\s+->[^\n]*\n)*?\s+->\s+{destination}";

    private static string Sysctl(LanHost host, string name) =>
        Shell.Check("ip", ["netns", "exec", host.Namespace, "cat", "/proc/sys/net/ipv4/vs/" + name]).Trim();

    /// <summary>The cluster's IPv4 configuration, the IPv6 instance in a sync group with it, and the IPv6 services.</summary>
    private string Config(int priority)
    {
        var rs1 = LvsDrIpv6.Of(_cluster.Rs1);
        var rs2 = LvsDrIpv6.Of(_cluster.Rs2);
        return LvsDrIpv6.Config(_cluster.Config(priority, warmStandby: true, syncInterface: "eth0"), Vip6, priority, """
              syncGroups:
                - { name: dual, instances: [web, web6] }
            """, $$"""

              - name: echo6
                vip: {{Vip6}}
                port: {{EchoPort}}
                scheduler: wlc
                healthCheck: {{LvsDrCluster.NoCheck}}
                realServers:
                  - { address: "{{rs1}}", weight: 1 }
                  - { address: "{{rs2}}", weight: 1 }
              - name: tun6
                vip: {{Vip6}}
                port: {{TunPort}}
                scheduler: wlc
                forwarding: tun
                persistence: 300s
                persistenceNetmask: 64
                healthCheck: {{LvsDrCluster.NoCheck}}
                realServers:
                  - { address: "{{rs1}}", weight: 1 }
                  - { address: "{{rs2}}", weight: 1 }
              - name: nat6
                vip: {{Vip6}}
                port: {{NatPort}}
                scheduler: rr
                forwarding: nat
                healthCheck: {{LvsDrCluster.NoCheck}}
                realServers:
                  - { address: "{{rs1}}", port: {{TunPort}}, weight: 1 }
                  - { address: "{{rs2}}", port: {{TunPort}}, weight: 1 }
            """);
    }
}
