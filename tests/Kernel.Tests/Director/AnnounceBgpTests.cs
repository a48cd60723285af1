using System.Globalization;
using HaDirector.Integration.Tests.Announce;

namespace HaDirector.KernelTests.Director;

/// <summary>
/// Announced VIPs through a real routing daemon (docs/scale-out.md): hadirector in announce mode and BIRD 2 on a
/// director, or FRR 8.4 running the page's "FRR on a director" example with <c>localRoute</c>; BIRD on the router. The
/// router learns the VIP over BGP with the director as next hop, forwards a request through it to a real server (with
/// <c>localRoute</c> the VIP is local by a route, no address, and IPVS serves it all the same), and loses the route on
/// failover, on health (fewer real servers than minHealthy) and on stop. One cluster a test: every routing daemon
/// and .NET start costs seconds under TCG.
/// </summary>
[Trait(KernelVm.Trait, KernelVm.TraitValue)]
public sealed class AnnounceBgpTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);
    private readonly LvsDrCluster _cluster;
    private readonly string _dir;
    private readonly List<ManagedProcess> _birds = [];
    private FrrDaemons? _frr;

    public AnnounceBgpTests()
    {
        KernelVm.Require();
        _cluster = new LvsDrCluster("lb1");
        _dir = Directory.CreateTempSubdirectory("hd-bird-").FullName;
    }

    private LanHost Lb1 => _cluster.Lan["lb1"];

    private string RouterSocket => Path.Combine(_dir, "router.ctl");

    public void Dispose()
    {
        foreach (var bird in _birds)
        {
            bird.Dispose();
        }

        _frr?.Dispose();

        _cluster.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Fast retries: the two sides start seconds apart under emulation.</summary>
    private const string Timers = "hold time 9; connect delay time 1; connect retry time 2; error wait time 1, 5;";

    private void StartBird(string name, string ns, string config)
    {
        var file = Path.Combine(_dir, name + ".conf");
        File.WriteAllText(file, config);
        _birds.Add(new ManagedProcess("bird@" + name, ns, "bird", ["-f", "-c", file, "-s", Path.Combine(_dir, name + ".ctl"), "-P", Path.Combine(_dir, name + ".pid")]));
    }

    /// <summary>What the router's BIRD has for the VIP ("" when nothing).</summary>
    private string RouterRoute()
    {
        var result = Shell.Run("ip", "netns", "exec", _cluster.Lan.Router, "birdc", "-s", RouterSocket, "show", "route", LvsDrCluster.Vip + "/32");
        return result.ExitCode == 0 ? result.Stdout : "";
    }

    private bool Learned() => RouterRoute().Contains("via " + Lb1.Address, StringComparison.Ordinal);

    private string Diagnostics() =>
        _cluster.Diagnostics() + Environment.NewLine + string.Join(Environment.NewLine, _birds.Select(b => b.Output))
        + Environment.NewLine + "router: " + RouterRoute()
        + Environment.NewLine + "table 200: " + Shell.Run("ip", "-n", Lb1.Namespace, "route", "show", "table", "200").Stdout
        + (_frr?.Diagnostics() ?? "");

    private string Yaml(bool localRoute = false) => string.Create(CultureInfo.InvariantCulture, $$"""
        announce:
          localRoute: {{(localRoute ? "true" : "false")}}
          holdDown: 2s
          stopGrace: 1s
          vips:
            - { address: {{LvsDrCluster.Vip}}, minHealthy: 2 }
        virtualServers:
          - name: web
            vip: {{LvsDrCluster.Vip}}
            port: 80
            scheduler: mh
            schedulerFlags: [mh-fallback, mh-port]
            healthCheck: { type: tcp, interval: 1s, timeout: 500ms, rise: 1, fall: 1 }
            realServers:
              - { address: {{_cluster.Rs1.Address}} }
              - { address: {{_cluster.Rs2.Address}} }
        metrics: { listen: 127.0.0.1:9810 }
        control: { socket: $DIR/control.sock }
        """);

    private void StartRoutersBird() => StartBird("router", _cluster.Lan.Router, $$"""
            router id {{LanTopology.RouterAddress}};
            protocol device { }
            protocol kernel { ipv4 { import none; export all; }; }
            protocol bgp lb1 {
              local {{LanTopology.RouterAddress}} as 64600;
              neighbor {{Lb1.Address}} as 64601;
              {{Timers}}
              ipv4 { import all; export none; };
            }
            """);

    [Fact]
    public void Announce_RouterLearnsTheVipViaTheDirector_AndLosesItOnFailoverHealthAndStop()
    {
        StartRoutersBird();
        StartBird("lb1", Lb1.Namespace, $$"""
            router id {{Lb1.Address}};
            protocol device { }
            protocol kernel vips {
              kernel table 200;
              learn;
              scan time 1;
              ipv4 { import where krt_source = 201; export none; };
            }
            protocol bgp uplink {
              local {{Lb1.Address}} as 64601;
              neighbor {{LanTopology.RouterAddress}} as 64600;
              {{Timers}}
              ipv4 { import none; export where proto = "vips"; next hop self; };
            }
            """);
        var lb1 = _cluster.StartDirector("lb1", Yaml());

        LearnedForwardedAndWithdrawn(lb1);
        Assert.Contains(LvsDrCluster.Vip + "/32", Shell.Check("ip", "-n", Lb1.Namespace, "addr", "show", "dev", "lo"));
    }

    [Fact]
    public void Announce_FrrDirectorWithLocalRoute_RouterLearnsTheVipAndLosesItOnFailoverHealthAndStop()
    {
        StartRoutersBird();
        // docs/scale-out.md's FRR director with this LAN's addresses; its prefix list names the VIPs' /24 (here the LAN's),
        // and BFD at 1 s: the router runs none here, and 100 ms flaps under TCG.
        _frr = new FrrDaemons("lb1", Lb1.Namespace, _dir,
            ScaleOutExamples.FrrDirector(Lb1.Address, 64601, LanTopology.RouterAddress, 1000, vipPrefix: "198.18.0.0/24"));
        var lb1 = _cluster.StartDirector("lb1", Yaml(localRoute: true));

        Wait.Until(() => Shell.Check("ip", "-n", Lb1.Namespace, "route", "show", "table", "local", "proto", "201").Contains("local " + LvsDrCluster.Vip + " dev lo", StringComparison.Ordinal),
            Bound, "hadirector to make the VIP local by a route", Diagnostics);
        Assert.DoesNotContain(LvsDrCluster.Vip + "/32", Shell.Check("ip", "-n", Lb1.Namespace, "addr", "show", "dev", "lo"));

        LearnedForwardedAndWithdrawn(lb1);
    }

    /// <summary>The router learns the VIP, a GET goes through lb1's IPVS; failover, a real server down and stop withdraw it.</summary>
    private void LearnedForwardedAndWithdrawn(DirectorProcess lb1)
    {
        Wait.Until(Learned, Bound, "the router to learn the VIP via lb1", Diagnostics);
        Assert.Contains("198.18.0.100 dev lo proto 201 scope link", Shell.Check("ip", "-n", Lb1.Namespace, "route", "show", "table", "200"));
        // The scheduler flags went over netlink as IP_VS_SVC_F_SCHED_MH_FALLBACK | _MH_PORT: ipvsadm names them.
        Assert.Matches(@"TCP\s+198\.18\.0\.100:80 mh \(mh-fallback,mh-port\)", LvsDrCluster.Ipvsadm(Lb1, "-Ln"));
        Assert.Equal("1", Shell.Check("ip", "netns", "exec", Lb1.Namespace, "sysctl", "-n", "net.ipv4.vs.sloppy_tcp").Trim());
        // The whole path: the router's kernel got the route from BIRD, lb1's IPVS forwards, a real server answers.
        Assert.Contains(_cluster.Get(), (string[])["rs1", "rs2"]);

        var failover = lb1.Cli("failover");
        Assert.True(failover.ExitCode == 0, failover.ToString());
        Wait.Until(() => !Learned(), Bound, "failover to withdraw the VIP", Diagnostics);
        Assert.Matches(@"TCP\s+198\.18\.0\.100:80 mh", LvsDrCluster.Ipvsadm(Lb1, "-Ln")); // still forwarding
        var resume = lb1.Cli("resume");
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Wait.Until(Learned, Bound, "resume to announce again", Diagnostics);

        // minHealthy 2: one real server down withdraws the VIP; back up, it is announced after the hold-down.
        _cluster.StopHttp(_cluster.Rs1);
        Wait.Until(() => !Learned(), Bound, "a real server down to withdraw the VIP", Diagnostics);
        var status = lb1.Cli("status");
        Assert.Contains("withdrawn: no healthy real server", status.Stdout);
        _cluster.StartHttp(_cluster.Rs1);
        Wait.Until(Learned, Bound, "the real server back to announce again", Diagnostics);

        lb1.Process.Terminate();
        Assert.True(lb1.Process.WaitForExit(Bound), "hadirector to stop");
        Wait.Until(() => !Learned(), Bound, "stop to withdraw the VIP", Diagnostics);
        Assert.Matches(@"TCP\s+198\.18\.0\.100:80 mh", LvsDrCluster.Ipvsadm(Lb1, "-Ln")); // never flushed
    }
}
