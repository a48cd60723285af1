using System.Text.Json;
using HaDirector.Director.Announce;
using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Director.Tests.Metrics;

namespace HaDirector.Director.Tests.Announce;

/// <summary>The announced VIPs on the fake host: route in the table, VIP on lo, IPVS at all times; health, trackers, failover, stop, restart.</summary>
public sealed class AnnounceServiceTests
{
    private const string Route = "198.18.10.80/32 proto 201 dev lo";

    /// <summary>No VRRP instance: one announced VIP with a Maglev web service and a script tracker.</summary>
    private const string Yaml = """
        vrrp:
          trackers:
            - { name: uplink, type: script, command: uplink, interval: 1s }
        announce:
          table: 200
          protocol: 201
          holdDown: 10s
          stopGrace: 4s
          vips:
            - { address: 198.18.10.80, track: [uplink] }
        virtualServers:
          - name: web
            vip: 198.18.10.80
            port: 80
            scheduler: mh
            realServers:
              - { address: 198.18.1.1, port: 80 }
              - { address: 198.18.1.2, port: 80 }
        """;

    private static readonly string[] ParameterPaths =
    [
        "net/ipv4/vs/sloppy_tcp", "net/ipv4/vs/sloppy_sctp", "net/ipv4/conf/all/arp_ignore", "net/ipv4/conf/lo/arp_ignore",
        "net/ipv4/conf/all/arp_announce", "net/ipv4/conf/lo/arp_announce",
    ];

    private static async Task<TestDirector> StartedAsync(Action<FakeKernel>? host = null)
    {
        var director = new TestDirector(Yaml, kernel =>
        {
            foreach (var path in ParameterPaths)
            {
                kernel.SetSysctl(path, "0");
            }

            host?.Invoke(kernel);
        });
        await director.StartAsync();
        return director;
    }

    private static AnnouncementDecision Vip(TestDirector director) => Assert.Single(director.Announce.Snapshot());

    [Fact]
    public async Task Start_HealthyVip_ProgramsIpvsThenLoThenRoute()
    {
        await using var director = await StartedAsync();

        var effects = director.Kernel.Effects.ToList();
        var ipvs = effects.FindIndex(e => e.StartsWith("ipvs ", StringComparison.Ordinal));
        var lo = effects.IndexOf("add 198.18.10.80/32 lo");
        var route = effects.IndexOf("route add 198.18.10.80/32 table 200 proto 201 dev lo");
        Assert.True(ipvs >= 0 && ipvs < lo && lo < route, string.Join("\n", effects));
        Assert.Equal([Route], director.Kernel.RoutesIn(200));
        Assert.Single(director.Kernel.Ipvs.GetServices());
        Assert.All(ParameterPaths, p => Assert.Equal(p.Contains("arp_announce") ? "2" : "1", director.Kernel.SysctlOf(p)));
        Assert.Equal(AnnounceReason.Announcing, Vip(director).Reason);
    }

    [Fact]
    public async Task Pass_NoRealServerUp_WithdrawsThenHoldsDownBeforeAnnouncingAgain()
    {
        await using var director = await StartedAsync();

        director.RealServersUp["web"] = 0;
        await director.AdvanceAsync(AnnounceService.PassPeriod);
        Assert.Empty(director.Kernel.RoutesIn(200));
        Assert.Equal((AnnounceReason.NoHealthyRealServer, "web: 0 of 2 real server(s) up, needs 1"), (Vip(director).Reason, Vip(director).Detail));
        Assert.Single(director.Kernel.Ipvs.GetServices()); // still forwards what the router has not moved yet

        director.RealServersUp["web"] = 1;
        await director.AdvanceAsync(AnnounceService.PassPeriod);
        Assert.Equal(AnnounceReason.HoldDown, Vip(director).Reason);
        await director.AdvanceAsync(TimeSpan.FromSeconds(8));
        Assert.Empty(director.Kernel.RoutesIn(200));

        await director.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal([Route], director.Kernel.RoutesIn(200));
    }

    [Fact]
    public async Task TrackerDown_WithdrawsWithoutWaitingForAPass()
    {
        await using var director = await StartedAsync();

        director.Scripts.ExitWith("uplink", 1);
        director.Time.Advance(TimeSpan.FromSeconds(1));
        await TestDirector.WaitUntilAsync(() => Vip(director).Reason == AnnounceReason.TrackerDown, "the tracker's withdrawal");

        Assert.Empty(director.Kernel.RoutesIn(200));
        Assert.Equal("tracker uplink down", Vip(director).Detail);
    }

    [Fact]
    public async Task FailoverAndResume_WithdrawKeepingIpvs_ThenAnnounceAtOnce()
    {
        await using var director = await StartedAsync();

        var failover = await director.Control.HandleAsync(new ControlRequest { Verb = "failover" }, CancellationToken.None);
        Assert.Equal(ExitCodes.Ok, failover.ExitCode);
        Assert.Contains("198.18.10.80: withdrawn", failover.Message);
        Assert.Empty(director.Kernel.RoutesIn(200));
        Assert.Single(director.Kernel.Ipvs.GetServices());
        Assert.Contains("198.18.10.80/32", director.Kernel.AddressesOf("lo"));
        await director.AdvanceAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(AnnounceReason.Maintenance, Vip(director).Reason);

        var resume = await director.Control.HandleAsync(new ControlRequest { Verb = "resume" }, CancellationToken.None);
        Assert.Equal("198.18.10.80: announcing again", resume.Message);
        Assert.Equal([Route], director.Kernel.RoutesIn(200));
    }

    [Fact]
    public async Task Stop_WithdrawsFirstThenWaitsTheGraceKeepingVipAndIpvs()
    {
        await using var director = await StartedAsync();

        var stop = director.Announce.StopAsync(CancellationToken.None);
        Assert.Empty(director.Kernel.RoutesIn(200));
        Assert.Equal(AnnounceReason.Stopping, Vip(director).Reason);
        director.Time.Advance(TimeSpan.FromSeconds(3.9));
        Assert.False(stop.IsCompleted);

        director.Time.Advance(TimeSpan.FromSeconds(0.1));
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("198.18.10.80/32", director.Kernel.AddressesOf("lo"));
        Assert.Single(director.Kernel.Ipvs.GetServices());
    }

    [Fact]
    public async Task Start_RouteLeftByTheLastRun_KeepsItAndRemovesOnlyStaleRoutesOfOurProtocol()
    {
        await using var director = await StartedAsync(kernel =>
        {
            kernel.AddRouteExternally("198.18.10.80/32", 200, 201, "lo");
            kernel.AddRouteExternally("198.18.10.99/32", 200, 201, "lo");
            kernel.AddRouteExternally("198.18.10.98/32", 200, 12, "lo"); // BIRD's own
        });

        Assert.DoesNotContain(director.Kernel.Effects, e => e.StartsWith("route", StringComparison.Ordinal) && e.Contains("198.18.10.80"));
        Assert.Contains("route del 198.18.10.99/32 table 200", director.Kernel.Effects);
        Assert.Equal([Route, "198.18.10.98/32 proto 12 dev lo"], director.Kernel.RoutesIn(200).Order());
    }

    [Fact]
    public async Task Pass_RouteRemovedBySomeoneElse_PutsItBack()
    {
        await using var director = await StartedAsync();

        director.Kernel.RemoveRouteExternally("198.18.10.80/32", 200);
        await director.AdvanceAsync(AnnounceService.PassPeriod);

        Assert.Equal([Route], director.Kernel.RoutesIn(200));
    }

    [Fact]
    public async Task Status_Withdrawn_ShowsStateAndReasonInJsonTextAndMetrics()
    {
        await using var director = await StartedAsync();
        director.RealServersUp["web"] = 0;
        await director.AdvanceAsync(AnnounceService.PassPeriod);

        var report = await director.Status.BuildAsync(CancellationToken.None);
        var json = JsonSerializer.Serialize(report, ControlJsonContext.Default.StatusReport);
        var text = StatusFormatter.Format(report, director.Time.GetUtcNow());
        var scrape = await Scrape.OfAsync(director.Registry);

        var vip = Assert.Single(report.Announce!.Vips);
        Assert.Equal(("198.18.10.80", false, "no_healthy_real_server"), (vip.Vip, vip.Announcing, vip.State));
        Assert.Contains("\"announce\":{\"table\":200,\"protocol\":201,\"maintenance\":false,\"vips\":[{\"vip\":\"198.18.10.80\",\"announcing\":false,\"state\":\"no_healthy_real_server\"", json);
        Assert.Contains("withdrawn: no healthy real server", text);
        Assert.Contains("web: 0 of 2 real server(s) up, needs 1", text);
        Assert.Equal(1, scrape.Value("hadirector_announce_state{vip=\"198.18.10.80\",state=\"no_healthy_real_server\"}"));
        Assert.Equal(0, scrape.Value("hadirector_announce_state{vip=\"198.18.10.80\",state=\"announcing\"}"));
    }

    [Fact]
    public async Task Reload_VipRemoved_WithdrawsAndTakesItOffLo()
    {
        await using var director = await StartedAsync();
        director.WriteConfig(Yaml.Replace("vip: 198.18.10.80", "vip: 198.18.10.81").Replace("address: 198.18.10.80", "address: 198.18.10.81"));

        var reload = await director.Control.HandleAsync(new ControlRequest { Verb = "reload" }, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, reload.ExitCode);
        Assert.Equal(["198.18.10.81/32 proto 201 dev lo"], director.Kernel.RoutesIn(200));
        Assert.DoesNotContain("198.18.10.80/32", director.Kernel.AddressesOf("lo"));
        Assert.Contains("198.18.10.81/32", director.Kernel.AddressesOf("lo"));
    }
}
