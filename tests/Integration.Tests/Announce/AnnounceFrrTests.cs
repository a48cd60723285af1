using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Announce;

/// <summary>
/// FRR as the directors' routing daemon, running docs/scale-out.md's "FRR on a director" example (the page's block,
/// with this LAN's addresses: <see cref="ScaleOutExamples"/>), in namespaces on this host: IPVS is not needed (no
/// virtual servers: the announcements are under test, so the withdrawal for "no healthy real server" is left to
/// tests/Kernel.Tests' AnnounceBgpTests; a tracker stands for health here). hadirector puts the VIP in table 200, FRR
/// exports it over BGP with BFD, the router has it with the director as next hop; failover, a tracker down, the routing
/// daemon gone and stop withdraw it. Once with BIRD as the router, once with the page's FRR router and two directors
/// (ECMP: both next hops in the router's kernel; a director's link cut is BFD's to notice).
/// </summary>
public sealed class AnnounceFrrTests : IDisposable
{
    private const string Vip = "198.18.10.80";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>The page's BFD is 100 ms x 3; 300 ms here, so that a loaded machine does not flap the sessions.</summary>
    private const int BfdMilliseconds = 300;

    private readonly string _dir = Directory.CreateTempSubdirectory("hd-announce-frr-").FullName;
    private readonly List<IDisposable> _owned = [];
    private DirectorLan? _lan;
    private ManagedProcess? _routerBird;

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_owned))
        {
            d.Dispose();
        }

        _routerBird?.Dispose();
        _lan?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private DirectorLan Lan(params string[] hosts) => _lan = new DirectorLan(hosts);

    private T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    private FrrDaemons StartDirectorsFrr(LanHost host, int asn) =>
        Own(new FrrDaemons(host.Name, host.Namespace, _dir, ScaleOutExamples.FrrDirector(host.Address, asn, LanTopology.RouterAddress, BfdMilliseconds)));

    /// <summary>
    /// hadirector announcing the VIP with docs/scale-out.md's setting for FRR (localRoute: the VIP local by a route, not
    /// an address zebra would prefer), tracking a file (1 in it: the tracker is down), reading FRR through vtysh.
    /// </summary>
    private (ManagedProcess Daemon, string Config) StartDaemon(LanHost host, FrrDaemons frr, string name = "")
    {
        var folder = Path.Combine(_dir, "hd-" + host.Name);
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "hadirector.yaml");
        File.WriteAllText(config, $$"""
            vrrp:
              trackers:
                - { name: health, type: file, path: {{folder}}/health }
            announce:
              localRoute: true
              holdDown: 1s
              stopGrace: 0s
              routingDaemon: { type: frr, socket: {{frr.Folder}}, interval: 2s, timeout: 2s }
              vips:
                - { address: {{Vip}}, track: [health] }
            metrics: { listen: 127.0.0.1:9810 }
            control: { socket: {{folder}}/control.sock }
            """);
        var daemon = Own(new ManagedProcess("hadirector@" + host.Name + name, host.Namespace, "env",
            ["HADIRECTOR_STATE_DIR=" + Path.Combine(folder, "state"), Binary.Path, "run", "--config", config]));
        return (daemon, config);
    }

    private static ShellResult Cli(string config, params string[] args) =>
        Shell.RunWithTimeout(TimeSpan.FromSeconds(60), Binary.Path, [.. args, "--config", config]);

    private static void CliOk(string config, params string[] args)
    {
        var result = Cli(config, args);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static void SetHealth(string config, int value) =>
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(config)!, "health"), value.ToString(CultureInfo.InvariantCulture) + "\n");

    private static string Table200(LanHost host) => Shell.Run("ip", "-n", host.Namespace, "route", "show", "table", "200").Stdout;

    /// <summary>The next hops of the router kernel's route to the VIP (what forwarding uses), from `ip route`.</summary>
    private HashSet<string> RouterNextHops()
    {
        var words = Shell.Run("ip", "-n", _lan!.Lan.Router, "route", "show", Vip).Stdout.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return [.. words.Select((w, i) => (w, i)).Where(x => x.w == "via" && x.i + 1 < words.Length).Select(x => words[x.i + 1])];
    }

    private bool RouterHas(params LanHost[] hosts) => RouterNextHops().SetEquals(hosts.Select(h => h.Address.ToString()));

    [Fact]
    public void FrrDirector_BirdRouter_ExportsTheVipAndWithdrawsOnFailoverTrackerDaemonLossAndStop()
    {
        var lan = Lan("d1");
        var d1 = lan["d1"];
        var routerConfig = Path.Combine(_dir, "router.conf");
        File.WriteAllText(routerConfig, $$"""
            router id {{LanTopology.RouterAddress}};
            protocol device { }
            protocol kernel { ipv4 { import none; export all; }; }
            protocol bfd { interface "*" { min rx interval {{BfdMilliseconds}} ms; min tx interval {{BfdMilliseconds}} ms; multiplier 5; }; }
            protocol bgp d1 {
              local {{LanTopology.RouterAddress}} as 64600;
              neighbor {{d1.Address}} as 64601;
              bfd on;
              hold time 9; connect delay time 1; connect retry time 2; error wait time 1, 5;
              ipv4 { import all; export none; };
            }
            """);
        var routerSocket = Path.Combine(_dir, "router.ctl");
        _routerBird = new ManagedProcess("bird@router", lan.Lan.Router, "bird", ["-f", "-c", routerConfig, "-s", routerSocket, "-P", Path.Combine(_dir, "router.pid")]);
        var frr = StartDirectorsFrr(d1, 64601);
        var (daemon, config) = StartDaemon(d1, frr);

        string BirdRoute() => Shell.Run("ip", "netns", "exec", lan.Lan.Router, "birdc", "-s", routerSocket, "show", "route", Vip + "/32").Stdout;
        bool Learned() => BirdRoute().Contains("via " + d1.Address, StringComparison.Ordinal);
        string Diagnostics() => _routerBird.Output + daemon.Output + frr.Diagnostics()
            + $"{Environment.NewLine}router's BIRD: {BirdRoute()}{Environment.NewLine}d1 table 200: {Table200(d1)}";

        // hadirector's route in table 200 -> FRR's import-table -> BGP -> the router's BIRD -> the router's kernel.
        Wait.Until(Learned, Bound, "the router to learn the VIP via d1 from FRR", Diagnostics);
        Assert.Contains(Vip + " dev lo proto 201", Table200(d1));
        Wait.Until(() => RouterHas(d1), Bound, "the router's kernel to route the VIP via d1", Diagnostics);

        // hadirector reads FRR's sessions through vtysh: BGP established, BFD up.
        var status = "";
        Wait.Until(() => Regex.IsMatch(status = Cli(config, "status").Stdout,
                @"routing daemon frr at \S+, read \S+ ago:\s+BGP SESSION\s+NEIGHBOR\s+STATE\s+\S+\s+198\.18\.0\.1\s+established[^\n]*\s+BFD NEIGHBOR\s+INTERFACE\s+STATE\s+198\.18\.0\.1\s+(\S+\s+)?up"),
            Bound, "status to show FRR's BGP session established and BFD up", () => status + Diagnostics());
        var metrics = Shell.Run("ip", "netns", "exec", d1.Namespace, "curl", "-s", "--max-time", "5", "http://127.0.0.1:9810/metrics").Stdout;
        Assert.Contains("hadirector_announce_routing_daemon_up{type=\"frr\"} 1", metrics);
        Assert.Matches(@"hadirector_announce_bgp_session_up\{session=""[^""]+"",neighbor=""198\.18\.0\.1""\} 1", metrics);
        Assert.Matches(@"hadirector_announce_bfd_session_up\{neighbor=""198\.18\.0\.1"",interface=""[^""]*""\} 1", metrics);

        // failover withdraws, resume announces again.
        CliOk(config, "failover");
        Wait.Until(() => !Learned(), Bound, "failover to withdraw the VIP from the router", Diagnostics);
        Assert.DoesNotContain(Vip, Table200(d1));
        CliOk(config, "resume");
        Wait.Until(Learned, Bound, "resume to announce the VIP again", Diagnostics);

        // The tracked condition fails: withdrawn; good again: announced after the hold-down.
        SetHealth(config, 1);
        Wait.Until(() => !Learned(), Bound, "the tracker down to withdraw the VIP", Diagnostics);
        Assert.Matches(Regex.Escape(Vip) + @"\s+withdrawn: tracker", Cli(config, "status").Stdout);
        SetHealth(config, 0);
        Wait.Until(Learned, Bound, "the tracker up to announce the VIP again", Diagnostics);

        // bgpd dies: the router loses the session and the route; status says FRR is unreachable. bgpd back: exported again.
        frr.Kill9("bgpd");
        Wait.Until(() => !Learned(), Bound, "the router to drop the route with bgpd gone", Diagnostics);
        Wait.Until(() => (status = Cli(config, "status").Stdout).Contains("UNREACHABLE", StringComparison.Ordinal), Bound,
            "status to show FRR unreachable without bgpd", () => status + Diagnostics());
        Assert.Contains(Vip + " dev lo proto 201", Table200(d1));
        frr.Restart("bgpd");
        Wait.Until(Learned, Bound, "bgpd's restart to export the VIP again", Diagnostics);

        // Stop withdraws.
        daemon.Terminate();
        Assert.True(daemon.WaitForExit(Bound), "hadirector to stop: " + Diagnostics());
        Wait.Until(() => !Learned(), Bound, "stop to withdraw the VIP", Diagnostics);
        Assert.DoesNotContain(Vip, Table200(d1));
        Wait.Until(() => RouterNextHops().Count == 0, Bound, "the router's kernel to lose the route", Diagnostics);
    }

    [Fact]
    public void FrrDirectors_FrrRouter_EcmpOverBoth_FailoverAndLinkLossDropOneNextHop_StopDropsTheRoute()
    {
        var lan = Lan("d1", "d2");
        var (d1, d2) = (lan["d1"], lan["d2"]);
        var router = Own(new FrrDaemons("router", lan.Lan.Router, _dir, ScaleOutExamples.FrrRouter(LanTopology.RouterAddress, BfdMilliseconds, d1.Address, d2.Address)));
        var frr1 = StartDirectorsFrr(d1, 64601);
        var frr2 = StartDirectorsFrr(d2, 64602);
        var (daemon1, config1) = StartDaemon(d1, frr1);
        var (daemon2, _) = StartDaemon(d2, frr2);

        string Diagnostics() => daemon1.Output + daemon2.Output + router.Diagnostics() + frr1.Diagnostics() + frr2.Diagnostics()
            + $"{Environment.NewLine}router's kernel: {Shell.Run("ip", "-n", lan.Lan.Router, "route", "show", Vip).Stdout}";

        // Both directors' FRR export the VIP; the page's router (multipath-relax, maximum-paths) installs both: ECMP.
        Wait.Until(() => RouterHas(d1, d2), Bound, "the router's kernel to route the VIP via d1 and d2", Diagnostics);
        Assert.Contains("bgp", Shell.Run("ip", "-n", lan.Lan.Router, "route", "show", Vip).Stdout);

        // failover on d1: only d2 is left; resume: both again.
        CliOk(config1, "failover");
        Wait.Until(() => RouterHas(d2), Bound, "failover on d1 to leave d2 alone", Diagnostics);
        CliOk(config1, "resume");
        Wait.Until(() => RouterHas(d1, d2), Bound, "resume on d1 to bring both back", Diagnostics);

        // d2's link cut at the router (a pulled cable: BGP's hold time is 9 s, BFD's detection 3 x 300 ms): the router's
        // FRR says BFD took the session down. Link back: both again. BFD can only notice what it watches: FRR may take a
        // session that has just come up down once more as BGP re-registers it ("Cease/BFD Down" at start-up), so the
        // cable is pulled once the router's session to d2 has been established with BFD up for a few seconds, as an
        // operator would check before a drill.
        var watched = "";
        Wait.Until(() => BgpWithBfdUp(watched = router.Vtysh("show bgp neighbors " + d2.Address + " json"), d2.Address, TimeSpan.FromSeconds(3)),
            Bound, "the router's session to d2 established, with BFD up, for 3 s", () => watched + Diagnostics());
        LanTopology.Ip(lan.Lan.Router, "link", "set", "p-d2", "down");
        Wait.Until(() => RouterHas(d1), Bound, "d2's link down to leave d1 alone", Diagnostics);
        var neighbor = "";
        Wait.Until(() => (neighbor = router.Vtysh("show bgp neighbors " + d2.Address + " json")).Contains("BFD", StringComparison.Ordinal),
            Bound, "the router's FRR to name BFD as why the session to d2 went down", () => neighbor + Diagnostics());
        LanTopology.Ip(lan.Lan.Router, "link", "set", "p-d2", "up");
        Wait.Until(() => RouterHas(d1, d2), Bound, "d2's link up to bring both back", Diagnostics);

        // Stop on each: one next hop, then none.
        daemon1.Terminate();
        Assert.True(daemon1.WaitForExit(Bound), "hadirector on d1 to stop: " + Diagnostics());
        Wait.Until(() => RouterHas(d2), Bound, "d1's stop to leave d2 alone", Diagnostics);
        daemon2.Terminate();
        Assert.True(daemon2.WaitForExit(Bound), "hadirector on d2 to stop: " + Diagnostics());
        Wait.Until(() => RouterNextHops().Count == 0, Bound, "d2's stop to remove the route", Diagnostics);
    }

    /// <summary>`show bgp neighbors ADDRESS json`: Established for at least <paramref name="stable"/>, its BFD status Up.</summary>
    private static bool BgpWithBfdUp(string json, IPAddress neighbor, TimeSpan stable)
    {
        if (json.Length == 0 || System.Text.Json.Nodes.JsonNode.Parse(json)?[neighbor.ToString()] is not { } peer)
        {
            return false;
        }

        return (string?)peer["bgpState"] == "Established"
            && (long?)peer["bgpTimerUpMsec"] >= (long)stable.TotalMilliseconds
            && string.Equals((string?)peer["peerBfdInfo"]?["status"], "Up", StringComparison.OrdinalIgnoreCase);
    }
}
