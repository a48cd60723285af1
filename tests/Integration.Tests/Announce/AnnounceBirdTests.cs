using System.Text.RegularExpressions;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Announce;

/// <summary>
/// Announced VIPs with a real BIRD 2 on both sides (docs/scale-out.md), in namespaces on this host: BIRD and the route
/// table are the host kernel's; IPVS is not needed (no virtual servers: only the announcements are under test). The
/// director's BIRD exports what hadirector puts in table 200 (an IPv4 and an IPv6 VIP) to the router's BIRD over BGP;
/// hadirector reads its BIRD's BGP and BFD sessions from the control socket (announce.routingDaemon) into status and
/// metrics; `failover --vip` withdraws one VIP and is kept across a kill -9 and restart; a dead BIRD shows as
/// unreachable; stop withdraws both.
/// </summary>
public sealed class AnnounceBirdTests : IDisposable
{
    private const string Vip = "198.18.10.80";
    private const string Vip6 = "2001:2:0:100::80";
    private const string Router6 = "2001:2::1";
    private const string Director6 = "2001:2::10";

    /// <summary>Fast retries: the two sides start apart and the test restarts BIRD.</summary>
    private const string Timers = "hold time 9; connect delay time 1; connect retry time 2; error wait time 1, 5;";

    /// <summary>A BFD session per BGP session, slow enough that a loaded machine does not flap it.</summary>
    private const string Bfd = """protocol bfd { interface "*" { min rx interval 300 ms; min tx interval 300 ms; multiplier 5; }; }""";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly DirectorLan _lan = new("d1");
    private readonly string _dir = Directory.CreateTempSubdirectory("hd-announce-bird-").FullName;
    private readonly Dictionary<string, ManagedProcess> _birds = [];
    private readonly List<ManagedProcess> _daemons = [];

    public AnnounceBirdTests()
    {
        // IPv6 on the shared link: BIRD gives the router this director's address there as the IPv6 VIP's next hop.
        LanTopology.Ip(_lan.Lan.Router, "addr", "add", Router6 + "/64", "dev", "br0", "nodad");
        LanTopology.Ip(D1.Namespace, "addr", "add", Director6 + "/64", "dev", "eth0", "nodad");
    }

    private LanHost D1 => _lan["d1"];

    private string D1Socket => Path.Combine(_dir, "d1.ctl");

    private string ConfigPath => Path.Combine(_dir, "hadirector.yaml");

    public void Dispose()
    {
        foreach (var p in _daemons.Concat(_birds.Values))
        {
            p.Dispose();
        }

        _lan.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private void StartBird(string name, string ns, string config)
    {
        var file = Path.Combine(_dir, name + ".conf");
        File.WriteAllText(file, config);
        _birds[name] = new ManagedProcess("bird@" + name, ns, "bird",
            ["-f", "-c", file, "-s", Path.Combine(_dir, name + ".ctl"), "-P", Path.Combine(_dir, name + ".pid")]);
    }

    private void StartDirectorsBird() => StartBird("d1", D1.Namespace, $$"""
        router id {{D1.Address}};
        protocol device { }
        protocol kernel vips {
          kernel table 200;
          learn;
          scan time 1;
          ipv4 { import where krt_source = 201; export none; };
        }
        protocol kernel vips6 {
          kernel table 200;
          learn;
          scan time 1;
          ipv6 { import where krt_source = 201; export none; };
        }
        {{Bfd}}
        protocol bgp uplink {
          local {{D1.Address}} as 64601;
          neighbor {{LanTopology.RouterAddress}} as 64600;
          bfd on;
          {{Timers}}
          ipv4 { import none; export where proto = "vips"; next hop self; };
          ipv6 { import none; export where proto = "vips6"; next hop self; };
        }
        """);

    /// <summary>hadirector in d1 with its state directory in the test's folder (the maintenance file lives there).</summary>
    private ManagedProcess StartDaemon()
    {
        var daemon = new ManagedProcess("hadirector@d1", D1.Namespace, "env",
            ["HADIRECTOR_STATE_DIR=" + Path.Combine(_dir, "state"), Binary.Path, "run", "--config", ConfigPath]);
        _daemons.Add(daemon);
        return daemon;
    }

    private ShellResult Cli(params string[] args) =>
        Shell.RunWithTimeout(TimeSpan.FromSeconds(60), Binary.Path, [.. args, "--config", ConfigPath]);

    private string Status() => Cli("status").Stdout;

    private string Metrics() =>
        Shell.Run("ip", "netns", "exec", D1.Namespace, "curl", "-s", "--max-time", "5", "http://127.0.0.1:9810/metrics").Stdout;

    /// <summary>The router's BIRD's route for a prefix ("" when none or BIRD is not answering yet).</summary>
    private string RouterRoute(string prefix)
    {
        var result = Shell.Run("ip", "netns", "exec", _lan.Lan.Router, "birdc", "-s", Path.Combine(_dir, "router.ctl"), "show", "route", prefix);
        return result.ExitCode == 0 ? result.Stdout : "";
    }

    private bool Learned() => RouterRoute(Vip + "/32").Contains("via " + D1.Address, StringComparison.Ordinal);

    private bool Learned6() => RouterRoute(Vip6 + "/128").Contains("via " + Director6, StringComparison.Ordinal);

    private string Diagnostics() =>
        string.Join(Environment.NewLine, _daemons.Concat(_birds.Values).Select(p => $"--- {p.Name}{Environment.NewLine}{p.Output}"))
        + $"{Environment.NewLine}router: {RouterRoute(Vip + "/32")} {RouterRoute(Vip6 + "/128")}"
        + $"{Environment.NewLine}table 200: {Shell.Run("ip", "-n", D1.Namespace, "route", "show", "table", "200").Stdout}"
        + Shell.Run("ip", "-n", D1.Namespace, "-6", "route", "show", "table", "200").Stdout;

    [Fact]
    public void Announce_WithBird_ExportsBothFamiliesReadsSessionsAndKeepsFailoverVipAcrossKill9()
    {
        StartBird("router", _lan.Lan.Router, $$"""
            router id {{LanTopology.RouterAddress}};
            protocol device { }
            {{Bfd}}
            protocol bgp d1 {
              local {{LanTopology.RouterAddress}} as 64600;
              neighbor {{D1.Address}} as 64601;
              bfd on;
              {{Timers}}
              ipv4 { import all; export none; };
              ipv6 { import all; export none; };
            }
            """);
        StartDirectorsBird();
        File.WriteAllText(ConfigPath, $$"""
            announce:
              holdDown: 1s
              stopGrace: 0s
              routingDaemon: { type: bird, socket: {{D1Socket}}, interval: 1s, timeout: 1s }
              vips:
                - { address: {{Vip}} }
                - { address: "{{Vip6}}" }
            metrics: { listen: 127.0.0.1:9810 }
            control: { socket: {{Path.Combine(_dir, "control.sock")}} }
            """);
        var first = StartDaemon();

        // Both VIPs in table 200 with protocol 201, exported by BIRD, learned by the router via d1.
        Wait.Until(() => Learned() && Learned6(), Bound, "the router to learn both VIPs via d1", Diagnostics);
        Assert.Contains(Vip + " dev lo proto 201", LanTopology.IpOut(D1.Namespace, "route", "show", "table", "200"));
        Assert.Contains(Vip6 + " dev lo proto 201", LanTopology.IpOut(D1.Namespace, "-6", "route", "show", "table", "200"));

        // BIRD's sessions, read from its control socket: BGP established and BFD up, in status and metrics.
        var status = "";
        Wait.Until(() => Regex.IsMatch(status = Status(),
                @"routing daemon bird at \S+d1\.ctl, read \S+ ago:\s+BGP SESSION\s+NEIGHBOR\s+STATE\s+uplink\s+198\.18\.0\.1\s+established\s+BFD NEIGHBOR\s+INTERFACE\s+STATE\s+198\.18\.0\.1\s+eth0\s+up"),
            Bound, "status to show BIRD's BGP session established and BFD up", () => status + Diagnostics());
        Assert.Matches(@"""routingDaemon"":\s*\{\s*""type"":\s*""bird""", Cli("status", "--json").Stdout);
        var metrics = Metrics();
        Assert.Contains("hadirector_announce_routing_daemon_up{type=\"bird\"} 1", metrics);
        Assert.Contains("hadirector_announce_bgp_session_up{session=\"uplink\",neighbor=\"198.18.0.1\"} 1", metrics);
        Assert.Contains("hadirector_announce_bfd_session_up{neighbor=\"198.18.0.1\",interface=\"eth0\"} 1", metrics);

        // One VIP withdrawn; the IPv6 one stays.
        var failover = Cli("failover", "--vip", Vip);
        Assert.True(failover.ExitCode == 0, failover.ToString());
        Wait.Until(() => !Learned(), Bound, "failover --vip to withdraw the VIP", Diagnostics);
        Assert.True(Learned6(), "the IPv6 VIP stays announced: " + Diagnostics());

        // kill -9 and a restart keep that VIP withdrawn: never announced again, not even for one pass.
        first.Kill9();
        Assert.True(first.WaitForExit(Bound), "hadirector to die");
        var second = StartDaemon();
        Wait.Until(() => Regex.IsMatch(status = Status(), Regex.Escape(Vip) + @"\s+withdrawn: maintenance"), Bound,
            "the restarted daemon to keep the VIP in maintenance", () => status + Diagnostics());
        Assert.True(second.OutputContains("maintenance"), second.Output);
        Assert.DoesNotContain(Vip + " dev lo", LanTopology.IpOut(D1.Namespace, "route", "show", "table", "200"));
        Assert.False(Learned(), Diagnostics());
        Assert.True(Learned6(), Diagnostics());

        var resume = Cli("resume", "--vip", Vip);
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Wait.Until(Learned, Bound, "resume --vip to announce it again", Diagnostics);

        // The director's BIRD dies: the reader says so (announcing goes on through the kernel table).
        _birds["d1"].Kill9();
        Assert.True(_birds["d1"].WaitForExit(Bound), "BIRD to die");
        Wait.Until(() => (status = Status()).Contains("UNREACHABLE", StringComparison.Ordinal), Bound,
            "status to show the routing daemon unreachable", () => status + Diagnostics());
        Assert.Contains("hadirector_announce_routing_daemon_up{type=\"bird\"} 0", Metrics());
        Assert.Contains(Vip + " dev lo proto 201", LanTopology.IpOut(D1.Namespace, "route", "show", "table", "200"));

        // BIRD back: it re-reads table 200 and the router learns both again; stop withdraws both.
        StartDirectorsBird();
        Wait.Until(() => Learned() && Learned6(), Bound, "BIRD's restart to export both VIPs again", Diagnostics);
        second.Terminate();
        Assert.True(second.WaitForExit(Bound), "hadirector to stop");
        Wait.Until(() => !Learned() && !Learned6(), Bound, "stop to withdraw both VIPs", Diagnostics);
    }
}
