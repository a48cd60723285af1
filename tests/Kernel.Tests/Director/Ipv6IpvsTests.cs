using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using HaDirector.Linux.Interop;

namespace HaDirector.KernelTests.Director;

/// <summary>
/// An IPv6 LVS-DR service through the real kernel's IPVS: the cluster of <see cref="LvsDrCluster"/> with IPv6
/// (2001:2::/64) on its LAN, real servers prepared by <c>hadirector realserver up --vip 2001:2::100</c>, and the
/// director's IPv6 service a firewall-mark one (nft marks the VIP's traffic), which follows the IPv4 instance's
/// mastership (an IPv6 firewall-mark service with no IPv6 instance; <see cref="Ipv6PairIpvsTests"/> has VRRP over IPv6
/// moving an IPv6 VIP). The VIP sits on lb1's eth0 as a master holds it; ipvsadm is the witness.
/// </summary>
[Trait(KernelVm.Trait, KernelVm.TraitValue)]
public sealed class Ipv6IpvsTests : IDisposable
{
    private const string Vip6 = "2001:2::100";
    private const int Mark = 6;
    private const int WebPort = 8080;
    private const int EchoPort = 7007;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180); // TCG on a busy 2-core host is slow
    private readonly LvsDrCluster _cluster;
    private readonly List<ManagedProcess> _servers = [];
    private readonly Dictionary<string, ManagedProcess> _web = [];

    public Ipv6IpvsTests()
    {
        KernelVm.Require();
        _cluster = new LvsDrCluster("lb1");
        LvsDrIpv6.Add(_cluster);

        // preferred_lft 0 (deprecated) as a master must hold an IPv6 VIP: a /128 on eth0 otherwise wins the source
        // address choice for the LAN (RFC 6724 rule 8, longest match, which Linux caps at the /64's prefix), and
        // the health checks' replies would go to the real servers' own copy of the VIP on lo.
        LanTopology.Ip(Lb1.Namespace, "addr", "add", Vip6 + "/128", "dev", "eth0", "nodad", "preferred_lft", "0");
        Shell.Check("ip", "netns", "exec", Lb1.Namespace, "nft", $$"""
            add table ip6 hd; add chain ip6 hd pre { type filter hook prerouting priority -150; }; add rule ip6 hd pre ip6 daddr {{Vip6}} tcp dport { {{WebPort}}, {{EchoPort}} } meta mark set {{Mark}}
            """);
        foreach (var rs in new[] { _cluster.Rs1, _cluster.Rs2 })
        {
            LvsDrIpv6.RealServerUp(rs, Vip6);
            StartWeb(rs);
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
    public void Ipv6Service_ProgrammedServedRepairedHealthCheckedDrainedAndKeptAcrossARestart()
    {
        var first = _cluster.StartDirector("lb1", Config());
        Wait.Until(() => Lb1.HasAddress(LvsDrCluster.Vip), Bound, "lb1 to be master", _cluster.Diagnostics);
        Wait.Until(() => Weight(_cluster.Rs1) == 2 && Weight(_cluster.Rs2) == 1, Bound, "the IPv6 service programmed", _cluster.Diagnostics);

        // As ipvsadm shows it: an IPv6 firewall-mark service, DR to both IPv6 real servers.
        var table = LvsDrCluster.Ipvsadm(Lb1, "-Ln");
        Assert.Matches($@"FWM\s+{Mark}\s+IPv6\s+wlc", table);
        Assert.Matches(@"->\s+\[2001:2::11\]:0\s+Route\s+2", table);

        // Served through the VIP by both, and the router resolved the VIP to the director alone: the real
        // servers, which hold it on lo, never answered its neighbour solicitation.
        Assert.Equal(["rs1", "rs2"], Enumerable.Range(0, 6).Select(_ => Get()).ToHashSet().Order());
        Assert.Contains("lladdr " + Lb1.Mac, LanTopology.IpOut(_cluster.Lan.Router, "-6", "neigh", "show", Vip6, "dev", "br0"), StringComparison.Ordinal);

        // Drift: a weight edited and a destination deleted by hand are both put back.
        LvsDrCluster.Ipvsadm(Lb1, "-e", "-f", $"{Mark}", "-6", "-r", "[2001:2::11]:0", "-g", "-w", "7");
        LvsDrCluster.Ipvsadm(Lb1, "-d", "-f", $"{Mark}", "-6", "-r", "[2001:2::12]:0");
        Wait.Until(() => Weight(_cluster.Rs1) == 2 && Weight(_cluster.Rs2) == 1, Bound, "the hand edits repaired", _cluster.Diagnostics);

        // drain and status with IPv6 real servers, in RFC 5952 form.
        Assert.Equal(0, first.Cli("drain", "2001:2:0:0::11").ExitCode);
        Wait.Until(() => Weight(_cluster.Rs1) == 0, Bound, "rs1 drained", _cluster.Diagnostics);
        var status = JsonNode.Parse(first.Cli("status", "--json").Stdout)!;
        var web6 = status["virtualServers"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "web6")!;
        Assert.Equal($"fwmark {Mark}/IPv6", web6["service"]!.GetValue<string>());
        Assert.Contains(web6["realServers"]!.AsArray(), r => r!["address"]!.GetValue<string>() == "2001:2::11" && r["drained"]!.GetValue<bool>());
        Assert.Equal(0, first.Cli("undrain", "2001:2::11").ExitCode);
        Wait.Until(() => Weight(_cluster.Rs1) == 2, Bound, "rs1 undrained", _cluster.Diagnostics);

        // Health checks over IPv6 (half-open, on the engine's IPv6 raw socket): rs1's web stops, it leaves; back after rise.
        StopWeb(_cluster.Rs1);
        Wait.Until(() => Weight(_cluster.Rs1) is null, Bound, "rs1 removed by its IPv6 health check", _cluster.Diagnostics);
        Assert.Equal(["rs2"], Enumerable.Range(0, 4).Select(_ => Get()).ToHashSet());
        StartWeb(_cluster.Rs1);
        Wait.Until(() => Weight(_cluster.Rs1) == 2, Bound, "rs1 back after rise", _cluster.Diagnostics);

        // A restart writes nothing, and an established IPv6 connection keeps its real server.
        using var connection = OpenEcho();
        var server = LvsDrCluster.Echo(connection, "before");
        first.Process.Terminate();
        Assert.True(first.Process.WaitForExit(TimeSpan.FromSeconds(30)), _cluster.Diagnostics());
        var second = _cluster.StartDirector("lb1", Config());
        Wait.Until(() => Lb1.HasAddress(LvsDrCluster.Vip), Bound, "lb1 master again", _cluster.Diagnostics);
        Wait.Until(() => Status(second)["ipvs"]!["passes"]!.GetValue<long>() >= 1, Bound, "a reconcile pass", _cluster.Diagnostics);
        Assert.Equal(0, Status(second)["ipvs"]!["totalOperations"]!.GetValue<long>());
        Assert.Equal(server, LvsDrCluster.Echo(connection, "after"));
    }

    /// <summary>The cluster's IPv4 configuration with the IPv6 service added to its virtual servers.</summary>
    private string Config() => _cluster.Config(150).Replace("\nipvs:", string.Join("\n",
        "",
        "  - name: web6",
        $"    fwmark: {Mark}",
        "    family: ipv6",
        "    scheduler: wlc",
        $"    healthCheck: {{ type: tcp, port: {WebPort}, halfOpen: true, interval: 1s, timeout: 500ms, rise: 1, fall: 2 }}",
        "    realServers:",
        $"      - {{ address: \"{LvsDrIpv6.Of(_cluster.Rs1)}\", weight: 2 }}",
        $"      - {{ address: \"{LvsDrIpv6.Of(_cluster.Rs2)}\", weight: 1 }}",
        "ipvs:"), StringComparison.Ordinal);

    private static JsonNode Status(DirectorProcess director) => JsonNode.Parse(director.Cli("status", "--json").Stdout)!;

    /// <summary>The weight of a real server in the IPv6 fwmark service, or null when it is not there.</summary>
    private int? Weight(LanHost realServer)
    {
        var inService = false;
        foreach (var line in LvsDrCluster.Ipvsadm(Lb1, "-Ln").Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 2 && f[0] is "TCP" or "UDP" or "FWM")
            {
                inService = f[0] == "FWM" && f[1] == Mark.ToString(CultureInfo.InvariantCulture);
            }
            else if (inService && f.Length >= 4 && f[0] == "->" && f[1] == $"[{LvsDrIpv6.Of(realServer)}]:0")
            {
                return int.Parse(f[3], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private string Get() => LvsDrIpv6.Get(_cluster, Vip6, WebPort);

    private void StartWeb(LanHost rs)
    {
        var process = new ManagedProcess("web6@" + rs.Name, rs.Namespace, "python3", ["-c", LvsDrIpv6.Server(rs.Name, WebPort, echo: false)]);
        _servers.Add(process);
        _web[rs.Name] = process;
    }

    private void StopWeb(LanHost rs)
    {
        _web[rs.Name].Kill9();
        _web[rs.Name].WaitForExit(TimeSpan.FromSeconds(30));
    }

    private Socket OpenEcho() => LvsDrIpv6.Connect(_cluster, Vip6, EchoPort);
}
