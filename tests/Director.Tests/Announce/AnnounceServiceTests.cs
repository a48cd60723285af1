using System.Text.Json;
using HaDirector.Director.Announce;
using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Director.Tests.Metrics;
using HaDirector.Linux.Netlink.Ipvs;

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

    private static async Task<TestDirector> StartedAsync(Action<FakeKernel>? host = null, string yaml = Yaml, string? maintenanceFile = null,
        FakeRoutingDaemon? routingDaemon = null)
    {
        var director = new TestDirector(yaml, kernel =>
        {
            foreach (var path in ParameterPaths)
            {
                kernel.SetSysctl(path, "0");
            }

            host?.Invoke(kernel);
        }, maintenanceFile: maintenanceFile, routingDaemons: routingDaemon is null ? null : _ => routingDaemon);
        await director.StartAsync();
        return director;
    }

    /// <summary>Two announced VIPs, one IPv4 and one IPv6, each with a Maglev web service.</summary>
    private const string TwoVips = """
        announce:
          holdDown: 10s
          vips:
            - { address: 198.18.10.80 }
            - { address: "2001:db8:10::80" }
        virtualServers:
          - name: web
            vip: 198.18.10.80
            port: 80
            scheduler: mh
            realServers:
              - { address: 198.18.1.1, port: 80 }
          - name: web6
            vip: "2001:db8:10::80"
            port: 80
            scheduler: mh
            realServers:
              - { address: "2001:db8:1::1", port: 80 }
        """;

    private const string Route6 = "2001:db8:10::80/128 proto 201 dev lo";

    /// <summary>Runs <paramref name="test"/> with a maintenance file path in a directory of its own, removed afterwards.</summary>
    private static async Task InStateDirectoryAsync(Func<string, Task> test)
    {
        var state = Directory.CreateTempSubdirectory("hd-maint-").FullName;
        try
        {
            await test(Path.Combine(state, "announce-maintenance"));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static Task<ControlResponse> Send(TestDirector director, string verb, string? vip = null, string? instance = null) =>
        director.Control.HandleAsync(new ControlRequest { Verb = verb, Vip = vip, Instance = instance }, CancellationToken.None);

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

    private static string WithFlags(string flags) => Yaml.Replace("    scheduler: mh\n", $"    scheduler: mh\n    schedulerFlags: [{flags}]\n");

    [Fact]
    public async Task Start_MhSchedulerFlags_ProgrammedAsIpvsServiceFlagsAndShownInStatus()
    {
        await using var director = await StartedAsync(yaml: WithFlags("mh-port, mh-fallback"));

        // ip_vs.h: IP_VS_SVC_F_SCHED_MH_FALLBACK = SCHED1, IP_VS_SVC_F_SCHED_MH_PORT = SCHED2 (ipvsadm -b mh-fallback,mh-port).
        var service = Assert.Single(director.Kernel.Ipvs.GetServices()).Service;
        Assert.Equal(("mh", IpvsServiceFlags.Scheduler1 | IpvsServiceFlags.Scheduler2), (service.Scheduler, service.Flags));
        var report = await director.Status.BuildAsync(CancellationToken.None);
        Assert.Contains("\"scheduler\":\"mh\",\"schedulerFlags\":[\"mh-port\",\"mh-fallback\"]",
            JsonSerializer.Serialize(report, ControlJsonContext.Default.StatusReport));
        Assert.Contains("web  198.18.10.80:80/tcp  mh (mh-port,mh-fallback)/dr", StatusFormatter.Format(report, director.Time.GetUtcNow()));
    }

    [Fact]
    public async Task Reload_MhFallbackAdded_UpdatesTheServiceInPlace()
    {
        await using var director = await StartedAsync();
        director.WriteConfig(WithFlags("mh-fallback"));

        var reload = await director.Control.HandleAsync(new ControlRequest { Verb = "reload" }, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, reload.ExitCode);
        Assert.Equal(IpvsServiceFlags.Scheduler1, Assert.Single(director.Kernel.Ipvs.GetServices()).Service.Flags);
        Assert.DoesNotContain(director.Kernel.Ipvs.AllOperations, o => o.Kind == IpvsOperationKind.DeleteService);
    }

    [Fact]
    public async Task Start_MhRealServersListedOutOfOrder_AddedSortedByAddressSoEveryDirectorBuildsTheSameTable()
    {
        var shuffled = Yaml.Replace(
            "      - { address: 198.18.1.1, port: 80 }\n      - { address: 198.18.1.2, port: 80 }",
            "      - { address: 198.18.1.2, port: 80 }\n      - { address: 198.18.1.10, port: 80 }\n      - { address: 198.18.1.1, port: 80 }");
        Assert.NotEqual(Yaml, shuffled);
        await using var director = await StartedAsync(yaml: shuffled);

        var added = director.Kernel.Ipvs.AllOperations.Where(o => o.Kind == IpvsOperationKind.AddDestination).Select(o => o.Destination!.Address.ToString());

        Assert.Equal(["198.18.1.1", "198.18.1.2", "198.18.1.10"], added);
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

    private static readonly string LocalRouteYaml = Yaml.Replace("  stopGrace: 4s\n", "  stopGrace: 4s\n  localRoute: true\n");

    [Fact]
    public async Task Start_LocalRoute_VipMadeLocalByARouteNotAnAddress_WithdrawAndStopKeepIt()
    {
        await using var director = await StartedAsync(yaml: LocalRouteYaml);

        // FRR's zebra would prefer a connected route of an address on lo to the announce table's: no address, a local route.
        Assert.Equal(["198.18.10.80/32 proto 201 dev lo"], director.Kernel.RoutesIn(255));
        Assert.DoesNotContain("198.18.10.80/32", director.Kernel.AddressesOf("lo"));
        Assert.Equal([Route], director.Kernel.RoutesIn(200));
        var effects = director.Kernel.Effects.ToList();
        Assert.True(effects.IndexOf("route add local 198.18.10.80/32 table 255 proto 201 dev lo") < effects.IndexOf("route add 198.18.10.80/32 table 200 proto 201 dev lo"),
            string.Join("\n", effects));

        Assert.Equal(ExitCodes.Ok, (await Send(director, "failover")).ExitCode);
        Assert.Empty(director.Kernel.RoutesIn(200));
        Assert.Equal(["198.18.10.80/32 proto 201 dev lo"], director.Kernel.RoutesIn(255));
        Assert.Equal(ExitCodes.Ok, (await Send(director, "resume")).ExitCode);

        var stop = director.Announce.StopAsync(CancellationToken.None);
        director.Time.Advance(TimeSpan.FromSeconds(4));
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(director.Kernel.RoutesIn(200));
        Assert.Equal(["198.18.10.80/32 proto 201 dev lo"], director.Kernel.RoutesIn(255));
    }

    [Fact]
    public async Task Reload_LocalRouteOnThenOff_MovesTheVipFromLoToALocalRouteAndBack()
    {
        await using var director = await StartedAsync(host: k => k.AddRouteExternally("198.18.10.1/32", 255, 2, "lo")); // the kernel's own

        director.WriteConfig(LocalRouteYaml);
        Assert.Equal(ExitCodes.Ok, (await Send(director, "reload")).ExitCode);
        Assert.DoesNotContain("198.18.10.80/32", director.Kernel.AddressesOf("lo"));
        Assert.Equal(["198.18.10.1/32 proto 2 dev lo", "198.18.10.80/32 proto 201 dev lo"], director.Kernel.RoutesIn(255).Order());
        Assert.Equal([Route], director.Kernel.RoutesIn(200));

        director.WriteConfig(Yaml);
        Assert.Equal(ExitCodes.Ok, (await Send(director, "reload")).ExitCode);
        Assert.Contains("198.18.10.80/32", director.Kernel.AddressesOf("lo"));
        Assert.Equal(["198.18.10.1/32 proto 2 dev lo"], director.Kernel.RoutesIn(255));
        Assert.Equal([Route], director.Kernel.RoutesIn(200));
    }

    [Fact]
    public async Task Reload_LocalRouteVipRemoved_RemovesItsLocalRoute()
    {
        await using var director = await StartedAsync(yaml: LocalRouteYaml);
        director.WriteConfig(LocalRouteYaml.Replace("vip: 198.18.10.80", "vip: 198.18.10.81").Replace("address: 198.18.10.80", "address: 198.18.10.81"));

        Assert.Equal(ExitCodes.Ok, (await Send(director, "reload")).ExitCode);

        Assert.Equal(["198.18.10.81/32 proto 201 dev lo"], director.Kernel.RoutesIn(255));
        Assert.Equal(["198.18.10.81/32 proto 201 dev lo"], director.Kernel.RoutesIn(200));
        Assert.DoesNotContain(director.Kernel.AddressesOf("lo"), a => a.StartsWith("198.18.10.", StringComparison.Ordinal));
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

    [Fact]
    public async Task Restart_AfterFailover_StaysWithdrawnAndRemovesTheRouteItFinds()
    {
        await InStateDirectoryAsync(async file =>
        {
            await using (var first = await StartedAsync(maintenanceFile: file))
            {
                Assert.Equal(ExitCodes.Ok, (await Send(first, "failover")).ExitCode);
            }

            // The restart finds the route an earlier run left (as after a crash) and the maintenance it kept.
            await using var second = await StartedAsync(kernel => kernel.AddRouteExternally("198.18.10.80/32", 200, 201, "lo"), maintenanceFile: file);

            Assert.Empty(second.Kernel.RoutesIn(200));
            Assert.DoesNotContain(second.Kernel.Effects, e => e.StartsWith("route add", StringComparison.Ordinal));
            Assert.Equal(AnnounceReason.Maintenance, Vip(second).Reason);
            Assert.True((await second.Status.BuildAsync(CancellationToken.None)).Announce!.Maintenance);

            Assert.Equal("198.18.10.80: announcing again", (await Send(second, "resume")).Message);
            Assert.Equal([Route], second.Kernel.RoutesIn(200));
            Assert.False(File.Exists(file));
        });
    }

    [Fact]
    public async Task Restart_AfterFailoverOfOneVip_OnlyThatVipStaysWithdrawn()
    {
        await InStateDirectoryAsync(async file =>
        {
            await using (var first = await StartedAsync(yaml: TwoVips, maintenanceFile: file))
            {
                await Send(first, "failover", vip: "2001:db8:10::80");
            }

            await using var second = await StartedAsync(yaml: TwoVips, maintenanceFile: file);

            Assert.Equal([Route], second.Kernel.RoutesIn(200));
            Assert.Contains("vip 2001:db8:10::80", File.ReadAllLines(file));
        });
    }

    [Fact]
    public async Task Start_UnreadableMaintenanceFile_StaysWithdrawn()
    {
        await InStateDirectoryAsync(async file =>
        {
            File.WriteAllText(file, "vip not-an-address\n");
            await using var director = await StartedAsync(maintenanceFile: file);

            Assert.Empty(director.Kernel.RoutesIn(200));
            Assert.Equal(AnnounceReason.Maintenance, Vip(director).Reason);
        });
    }

    [Fact]
    public async Task Failover_StateFileCannotBeWritten_WithdrawsAndSaysItIsNotKept()
    {
        await InStateDirectoryAsync(async file =>
        {
            // A directory where the file should be: the write fails as on a read-only file system.
            Directory.CreateDirectory(file);
            await using var director = await StartedAsync(maintenanceFile: file);

            var failover = await Send(director, "failover");

            Assert.Equal(ExitCodes.Ok, failover.ExitCode);
            Assert.Empty(director.Kernel.RoutesIn(200));
            Assert.Contains("WARNING: not kept across a restart of the daemon", failover.Message);
        });
    }

    [Fact]
    public async Task FailoverVip_OneOfTwo_WithdrawsOnlyItUntilResumeVip()
    {
        await using var director = await StartedAsync(yaml: TwoVips);
        Assert.Equal([Route, Route6], director.Kernel.RoutesIn(200).Order());

        var failover = await Send(director, "failover", vip: "2001:db8:10::80");

        Assert.Equal(ExitCodes.Ok, failover.ExitCode);
        Assert.Equal("2001:db8:10::80: withdrawn; this director forwards what still arrives, announces again on `hadirector resume --vip 2001:db8:10::80`", failover.Message);
        Assert.Equal([Route], director.Kernel.RoutesIn(200));
        await director.AdvanceAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([Route], director.Kernel.RoutesIn(200));
        var report = await director.Status.BuildAsync(CancellationToken.None);
        Assert.False(report.Announce!.Maintenance);
        Assert.Equal(["announcing", "maintenance"], report.Announce.Vips.Select(v => v.State));

        var resume = await Send(director, "resume", vip: "2001:db8:10::80");

        Assert.Equal("2001:db8:10::80: announcing again", resume.Message);
        Assert.Equal([Route, Route6], director.Kernel.RoutesIn(200).Order());
    }

    [Fact]
    public async Task ResumeVip_WholeDirectorInMaintenance_NotApplicableAndStaysWithdrawn()
    {
        await using var director = await StartedAsync(yaml: TwoVips);
        await Send(director, "failover");

        var resume = await Send(director, "resume", vip: "198.18.10.80");

        Assert.Equal(ExitCodes.NotApplicable, resume.ExitCode);
        Assert.Contains("`hadirector resume` without --vip", resume.Message);
        Assert.Empty(director.Kernel.RoutesIn(200));
    }

    [Fact]
    public async Task Resume_WithoutVip_EndsSingleVipHoldsToo()
    {
        await using var director = await StartedAsync(yaml: TwoVips);
        await Send(director, "failover", vip: "198.18.10.80");

        await Send(director, "resume");

        Assert.Equal([Route, Route6], director.Kernel.RoutesIn(200).Order());
    }

    [Theory]
    [InlineData("198.18.10.99", null, "'198.18.10.99' is not an announced VIP (announce.vips: 198.18.10.80)")]
    [InlineData("web", null, "'web' is not an announced VIP")]
    [InlineData("198.18.10.80", "web", "give one of them")]
    public async Task FailoverVip_NotAnAnnouncedVipOrWithInstance_UsageErrorAndNothingWithdrawn(string vip, string? instance, string message)
    {
        await using var director = await StartedAsync();

        var failover = await Send(director, "failover", vip, instance);

        Assert.Equal(ExitCodes.UsageError, failover.ExitCode);
        Assert.Contains(message, failover.Message);
        Assert.Equal([Route], director.Kernel.RoutesIn(200));
    }

    [Fact]
    public async Task FailoverVip_VrrpOnlyConfiguration_UsageError()
    {
        await using var director = new TestDirector();
        await director.StartAsync();

        var failover = await Send(director, "failover", vip: "198.18.0.100");

        Assert.Equal(ExitCodes.UsageError, failover.ExitCode);
        Assert.Contains("announces no VIPs", failover.Message);
    }

    [Fact]
    public async Task Start_Ipv6Vip_RouteInTheIpv6TableOnLoWithIpvsAndTheVipOnLo()
    {
        await using var director = await StartedAsync(yaml: TwoVips);

        Assert.Equal([Route, Route6], director.Kernel.RoutesIn(200).Order());
        Assert.Contains("2001:db8:10::80/128", director.Kernel.AddressesOf("lo"));
        Assert.Equal(2, director.Kernel.Ipvs.GetServices().Count);
        var effects = director.Kernel.Effects.ToList();
        Assert.True(effects.IndexOf("add 2001:db8:10::80/128 lo") < effects.IndexOf("route add 2001:db8:10::80/128 table 200 proto 201 dev lo"), string.Join("\n", effects));
    }

    [Fact]
    public async Task Pass_Ipv6VipWithoutRealServers_WithdrawsOnlyIt()
    {
        await using var director = await StartedAsync(yaml: TwoVips);

        director.RealServersUp["web6"] = 0;
        await director.AdvanceAsync(AnnounceService.PassPeriod);

        Assert.Equal([Route], director.Kernel.RoutesIn(200));
        var v6 = director.Announce.Snapshot().Single(d => d.Vip.Equals(System.Net.IPAddress.Parse("2001:db8:10::80")));
        Assert.Equal(AnnounceReason.NoHealthyRealServer, v6.Reason);
        Assert.Contains("2001:db8:10::80/128", director.Kernel.AddressesOf("lo"));
    }

    [Fact]
    public async Task Stop_Ipv6Vip_WithdrawnWithTheOthers()
    {
        await using var director = await StartedAsync(yaml: TwoVips);

        var stop = director.Announce.StopAsync(CancellationToken.None);

        Assert.Empty(director.Kernel.RoutesIn(200));
        director.Time.Advance(TimeSpan.FromSeconds(3));
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Start_OnlyIpv6Vips_SetsIpvsSysctlsButLeavesArpAlone()
    {
        await using var director = await StartedAsync(yaml: """
            announce:
              vips:
                - { address: "2001:db8:10::80" }
            virtualServers:
              - { name: web6, vip: "2001:db8:10::80", port: 80, scheduler: mh, realServers: [{ address: "2001:db8:1::1", port: 80 }] }
            """);

        Assert.Equal("1", director.Kernel.SysctlOf("net/ipv4/vs/sloppy_tcp"));
        Assert.Equal("0", director.Kernel.SysctlOf("net/ipv4/conf/all/arp_ignore"));
        Assert.Equal("0", director.Kernel.SysctlOf("net/ipv4/conf/lo/arp_announce"));
        Assert.Equal([Route6], director.Kernel.RoutesIn(200));
    }
}
