using System.Text.RegularExpressions;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Announce;

/// <summary>
/// FRR as the director's routing daemon (docs/scale-out.md's FRR example: <c>ip import-table 200</c>, <c>redistribute
/// table 200</c>, BFD), in namespaces on this host with the router running BIRD: hadirector reads FRR's BGP and BFD
/// sessions through vtysh (announce.routingDaemon type frr) into status and metrics, and says so when bgpd is gone. FRR's daemons run as root with their sockets in the
/// test's folder (vtysh --vty_socket), so nothing touches the host's own FRR; they run as the frr user, as Debian's unit runs them.
/// </summary>
public sealed class AnnounceFrrTests : IDisposable
{
    private const string Vip = "198.18.10.80";
    private const string Timers = "hold time 9; connect delay time 1; connect retry time 2; error wait time 1, 5;";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly DirectorLan _lan = new("d1");
    private readonly string _dir = Directory.CreateTempSubdirectory("hd-announce-frr-").FullName;
    private readonly Dictionary<string, ManagedProcess> _processes = [];

    private LanHost D1 => _lan["d1"];

    private string FrrDir => Path.Combine(_dir, "frr");

    private string ConfigPath => Path.Combine(_dir, "hadirector.yaml");

    public void Dispose()
    {
        foreach (var p in _processes.Values)
        {
            p.Dispose();
        }

        _lan.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private ManagedProcess Start(string name, string ns, string file, params string[] args)
    {
        var process = new ManagedProcess(name, ns, file, args);
        _processes[name] = process;
        return process;
    }

    /// <summary>One FRR daemon in d1 with its own configuration file, its sockets in <see cref="FrrDir"/>.</summary>
    private void StartFrr(string daemon, string config, params string[] extra)
    {
        var file = Path.Combine(FrrDir, daemon + ".conf");
        File.WriteAllText(file, config);
        Start(daemon, D1.Namespace, "/usr/lib/frr/" + daemon,
            ["-f", file, "-i", Path.Combine(FrrDir, daemon + ".pid"), "-z", Path.Combine(FrrDir, "zserv.api"), "--vty_socket", FrrDir,
                "-P", "0", "-u", "frr", "-g", "frr", "--log", "stdout", .. extra]);
    }

    private ShellResult Cli(params string[] args) =>
        Shell.RunWithTimeout(TimeSpan.FromSeconds(60), Binary.Path, [.. args, "--config", ConfigPath]);

    private string RouterRoute()
    {
        var result = Shell.Run("ip", "netns", "exec", _lan.Lan.Router, "birdc", "-s", Path.Combine(_dir, "router.ctl"), "show", "route", Vip + "/32");
        return result.ExitCode == 0 ? result.Stdout : "";
    }

    /// <summary>d1's table 200 ("" while it has no route: the kernel has no such table then).</summary>
    private string Table200() => Shell.Run("ip", "-n", D1.Namespace, "route", "show", "table", "200").Stdout;

    private string Diagnostics() =>
        string.Join(Environment.NewLine, _processes.Values.Select(p => $"--- {p.Name}{Environment.NewLine}{p.Output}"))
        + $"{Environment.NewLine}router: {RouterRoute()}"
        + $"{Environment.NewLine}table 200: {Shell.Run("ip", "-n", D1.Namespace, "route", "show", "table", "200").Stdout}"
        + string.Concat(((string[])["show bgp summary", "show ip route table 200", "show ip route", "show ip bgp"]).Select(c =>
            $"{Environment.NewLine}vtysh -c '{c}': {Shell.Run("ip", "netns", "exec", D1.Namespace, "vtysh", "--vty_socket", FrrDir, "-c", c).Stdout}"));

    [Fact]
    public void Announce_WithFrr_ReadsSessionsThroughVtysh()
    {
        // FRR's daemons drop to the frr user (and refuse to run as a user outside the frrvty group): their folder is theirs.
        Directory.CreateDirectory(FrrDir);
        Shell.Check("chmod", "755", _dir);
        Shell.Check("chown", "frr:frr", FrrDir);
        var routerConfig = Path.Combine(_dir, "router.conf");
        File.WriteAllText(routerConfig, $$"""
            router id {{LanTopology.RouterAddress}};
            protocol device { }
            protocol bfd { interface "*" { min rx interval 300 ms; min tx interval 300 ms; multiplier 5; }; }
            protocol bgp d1 {
              local {{LanTopology.RouterAddress}} as 64600;
              neighbor {{D1.Address}} as 64601;
              bfd on;
              {{Timers}}
              ipv4 { import all; export none; };
            }
            """);
        Start("bird@router", _lan.Lan.Router, "bird", "-f", "-c", routerConfig, "-s", Path.Combine(_dir, "router.ctl"), "-P", Path.Combine(_dir, "router.pid"));

        // docs/scale-out.md's director, with this LAN's addresses and faster timers.
        StartFrr("zebra", "hostname d1\nip import-table 200\n");
        StartFrr("bfdd", $"hostname d1\nbfd\n peer {LanTopology.RouterAddress}\n  receive-interval 300\n  transmit-interval 300\n  detect-multiplier 5\n exit\nexit\n",
            "--bfdctl", Path.Combine(FrrDir, "bfdd.sock"));
        StartFrr("bgpd", $"""
            hostname d1
            ip prefix-list VIPS seq 5 permit 198.18.10.0/24 ge 32
            route-map VIPS permit 10
             match ip address prefix-list VIPS
            exit
            router bgp 64601
             bgp router-id {D1.Address}
             no bgp ebgp-requires-policy
             neighbor {LanTopology.RouterAddress} remote-as 64600
             neighbor {LanTopology.RouterAddress} bfd
             neighbor {LanTopology.RouterAddress} timers connect 1
             address-family ipv4 unicast
              redistribute table 200
              neighbor {LanTopology.RouterAddress} route-map VIPS out
             exit-address-family
            exit
            """);
        File.WriteAllText(ConfigPath, $$"""
            announce:
              holdDown: 1s
              stopGrace: 0s
              routingDaemon: { type: frr, socket: {{FrrDir}}, interval: 2s, timeout: 2s }
              vips:
                - { address: {{Vip}} }
            metrics: { listen: 127.0.0.1:9810 }
            control: { socket: {{Path.Combine(_dir, "control.sock")}} }
            """);
        var daemon = Start("hadirector@d1", D1.Namespace, "env",
            "HADIRECTOR_STATE_DIR=" + Path.Combine(_dir, "state"), Binary.Path, "run", "--config", ConfigPath);

        // Not asserted: that the router learns the VIP. It does not with this configuration: zebra makes its own
        // connected route for the VIP on lo (distance 0), which beats the imported table-200 route (distance 15), so
        // `redistribute table 200` has nothing selected to send (docs/scale-out.md, FRR on a director).
        Wait.Until(() => Table200().Contains(Vip, StringComparison.Ordinal), Bound,
            "hadirector to put the VIP in table 200", Diagnostics);

        var status = "";
        Wait.Until(() => Regex.IsMatch(status = Cli("status").Stdout,
                @"routing daemon frr at \S+, read \S+ ago:\s+BGP SESSION\s+NEIGHBOR\s+STATE\s+\S+\s+198\.18\.0\.1\s+established[^\n]*\s+BFD NEIGHBOR\s+INTERFACE\s+STATE\s+198\.18\.0\.1\s+(\S+\s+)?up"),
            Bound, "status to show FRR's BGP session established and BFD up", () => status + Diagnostics());
        var metrics = Shell.Run("ip", "netns", "exec", D1.Namespace, "curl", "-s", "--max-time", "5", "http://127.0.0.1:9810/metrics").Stdout;
        Assert.Contains("hadirector_announce_routing_daemon_up{type=\"frr\"} 1", metrics);
        Assert.Matches(@"hadirector_announce_bgp_session_up\{session=""[^""]+"",neighbor=""198\.18\.0\.1""\} 1", metrics);
        Assert.Matches(@"hadirector_announce_bfd_session_up\{neighbor=""198\.18\.0\.1"",interface=""[^""]*""\} 1", metrics);

        // bgpd gone: vtysh says so, and status shows the reader's failure.
        _processes["bgpd"].Kill9();
        Wait.Until(() => (status = Cli("status").Stdout).Contains("UNREACHABLE", StringComparison.Ordinal), Bound,
            "status to show FRR unreachable without bgpd", () => status + Diagnostics());

        daemon.Terminate();
        Assert.True(daemon.WaitForExit(Bound), "hadirector to stop: " + Diagnostics());
        Assert.DoesNotContain(Vip, Table200());
    }
}
