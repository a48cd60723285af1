using System.Text.Json;
using HaDirector.Director.Announce;
using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Metrics;

namespace HaDirector.Director.Tests.Announce;

/// <summary>announce.routingDaemon on the fake host: read on its own timer, cached, shown in status and metrics; a daemon that is down or hangs never holds up announcing.</summary>
public sealed class RoutingDaemonMonitorTests
{
    private const string Yaml = """
        announce:
          routingDaemon: { type: bird, socket: /run/bird/bird.ctl, interval: 5s, timeout: 2s }
          vips:
            - { address: 198.18.10.80 }
        virtualServers:
          - { name: web, vip: 198.18.10.80, port: 80, scheduler: mh, realServers: [{ address: 198.18.1.1, port: 80 }] }
        """;

    private static readonly RoutingDaemonSnapshot Up = new(
        [new BgpSessionState("uplink", "198.18.1.1", "Established", true, null)],
        [new BfdSessionState("198.18.1.1", "eth0", "Up", true)]);

    private static async Task<TestDirector> StartedAsync(FakeRoutingDaemon daemon, string yaml = Yaml)
    {
        var director = new TestDirector(yaml, routingDaemons: _ => daemon);
        await director.StartAsync();
        return director;
    }

    /// <summary>Until the reading of the current (fake) time is stored: reads run on the pool.</summary>
    private static Task ReadAsync(TestDirector director) =>
        TestDirector.WaitUntilAsync(() => director.Announce.RoutingDaemon?.Last?.At == director.Time.GetUtcNow(), "a reading of the routing daemon");

    [Fact]
    public async Task Status_SessionsRead_ShownInJsonTextAndMetrics()
    {
        var daemon = new FakeRoutingDaemon { Failure = null, Next = Up };
        await using var director = await StartedAsync(daemon);
        await ReadAsync(director);

        var report = await director.Status.BuildAsync(CancellationToken.None);
        var json = JsonSerializer.Serialize(report, ControlJsonContext.Default.StatusReport);
        var text = StatusFormatter.Format(report, director.Time.GetUtcNow());
        var scrape = await Scrape.OfAsync(director.Registry);

        var routing = report.Announce!.RoutingDaemon!;
        Assert.True(routing.Reachable);
        Assert.Contains("\"routingDaemon\":{\"type\":\"bird\",\"socket\":\"/run/bird/bird.ctl\",\"reachable\":true,\"error\":null,", json);
        Assert.Contains("\"sessions\":[{\"name\":\"uplink\",\"neighbor\":\"198.18.1.1\",\"state\":\"Established\",\"established\":true,\"info\":null}]", json);
        Assert.Contains("routing daemon bird at /run/bird/bird.ctl, read 0s ago:", text);
        Assert.Matches(@"uplink\s+198\.18\.1\.1\s+established", text);
        Assert.Matches(@"198\.18\.1\.1\s+eth0\s+up", text);
        Assert.Equal(1, scrape.Value("hadirector_announce_routing_daemon_up{type=\"bird\"}"));
        Assert.Equal(1, scrape.Value("hadirector_announce_bgp_session_up{session=\"uplink\",neighbor=\"198.18.1.1\"}"));
        Assert.Equal(1, scrape.Value("hadirector_announce_bfd_session_up{neighbor=\"198.18.1.1\",interface=\"eth0\"}"));
    }

    [Fact]
    public async Task Status_SessionDropsAtTheNextRead_ShowsItNotEstablished()
    {
        var daemon = new FakeRoutingDaemon { Failure = null, Next = Up };
        await using var director = await StartedAsync(daemon);
        await ReadAsync(director);

        daemon.Next = new RoutingDaemonSnapshot([new BgpSessionState("uplink", "198.18.1.1", "Active", false, "Socket: Connection refused")],
            [new BfdSessionState("198.18.1.1", "eth0", "Down", false)]);
        await director.AdvanceAsync(TimeSpan.FromSeconds(5));
        await ReadAsync(director);

        var text = StatusFormatter.Format(await director.Status.BuildAsync(CancellationToken.None), director.Time.GetUtcNow());
        var scrape = await Scrape.OfAsync(director.Registry);
        Assert.Matches(@"uplink\s+198\.18\.1\.1\s+Active \(NOT established\)\s+Socket: Connection refused", text);
        Assert.Matches(@"198\.18\.1\.1\s+eth0\s+Down \(DOWN\)", text);
        Assert.Equal(0, scrape.Value("hadirector_announce_bgp_session_up{session=\"uplink\",neighbor=\"198.18.1.1\"}"));
        Assert.Equal(0, scrape.Value("hadirector_announce_bfd_session_up{neighbor=\"198.18.1.1\",interface=\"eth0\"}"));
    }

    [Fact]
    public async Task Status_DaemonDown_ShowsUnreachableWithTheReason()
    {
        var daemon = new FakeRoutingDaemon { Failure = new IOException("cannot connect to /run/bird/bird.ctl: No such file or directory") };
        await using var director = await StartedAsync(daemon);
        await ReadAsync(director);

        var report = await director.Status.BuildAsync(CancellationToken.None);
        var text = StatusFormatter.Format(report, director.Time.GetUtcNow());
        var scrape = await Scrape.OfAsync(director.Registry);

        Assert.False(report.Announce!.RoutingDaemon!.Reachable);
        Assert.Contains("routing daemon bird at /run/bird/bird.ctl: UNREACHABLE: cannot connect to /run/bird/bird.ctl: No such file or directory", text);
        Assert.Equal(0, scrape.Value("hadirector_announce_routing_daemon_up{type=\"bird\"}"));
        Assert.Equal([AnnounceServiceTestsRoute], director.Kernel.RoutesIn(200)); // announcing does not depend on it
    }

    private const string AnnounceServiceTestsRoute = "198.18.10.80/32 proto 201 dev lo";

    [Fact]
    public async Task Read_DaemonHangs_TimesOutAndAnnouncingGoesOnMeanwhile()
    {
        var daemon = new FakeRoutingDaemon { Hang = true };
        await using var director = await StartedAsync(daemon);
        await TestDirector.WaitUntilAsync(() => daemon.Reads == 1, "the first read");

        // While the read hangs, passes and failover run as ever.
        var failover = await director.Control.HandleAsync(new ControlRequest { Verb = "failover" }, CancellationToken.None);
        Assert.Equal(ExitCodes.Ok, failover.ExitCode);
        Assert.Empty(director.Kernel.RoutesIn(200));
        var before = await director.Status.BuildAsync(CancellationToken.None);
        Assert.Equal("not read yet", before.Announce!.RoutingDaemon!.Error);

        director.Time.Advance(TimeSpan.FromSeconds(2));
        await TestDirector.WaitUntilAsync(() => director.Announce.RoutingDaemon!.Last is not null, "the timeout");

        Assert.Equal("no answer within 2s", director.Announce.RoutingDaemon!.Last!.Error);
    }

    [Fact]
    public async Task Read_StillRunningWhenTheNextIsDue_NotDoubled()
    {
        var daemon = new FakeRoutingDaemon { Hang = true };
        await using var director = await StartedAsync(daemon);
        await TestDirector.WaitUntilAsync(() => daemon.Reads == 1, "the first read");

        await director.Announce.RoutingDaemon!.ReadAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(1, daemon.Reads);
        Assert.Null(director.Announce.RoutingDaemon.Last);
    }

    [Fact]
    public async Task Reload_RoutingDaemonRemoved_StatusAndMetricsDropIt()
    {
        var daemon = new FakeRoutingDaemon { Failure = null, Next = Up };
        await using var director = await StartedAsync(daemon);
        await ReadAsync(director);
        director.WriteConfig(Yaml.Replace("  routingDaemon: { type: bird, socket: /run/bird/bird.ctl, interval: 5s, timeout: 2s }\n", ""));

        var reload = await director.Control.HandleAsync(new ControlRequest { Verb = "reload" }, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, reload.ExitCode);
        Assert.Null((await director.Status.BuildAsync(CancellationToken.None)).Announce!.RoutingDaemon);
        Assert.Null((await Scrape.OfAsync(director.Registry)).Value("hadirector_announce_bgp_session_up{session=\"uplink\",neighbor=\"198.18.1.1\"}"));
    }
}
