using System.Net;
using HaDirector.Director.Control;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Tests.Hosting;

namespace HaDirector.Director.Tests.Control;

public sealed class StatusBuilderTests
{
    [Fact]
    public async Task BuildAsync_Master_ShowsTheInstanceItsServiceAndEachRealServerWithHealth()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        var service = director.Ipvs.Reconciler.Desired.Keys.Single();
        director.Health.Views[new RealServerId(service, new DestinationKey(IPAddress.Parse("198.18.1.2"), 80))] =
            new RealServerHealthView("down", "down", "connection refused", null, director.Time.GetUtcNow(), 1, 0, []);

        var report = await director.Status.BuildAsync(CancellationToken.None);

        Assert.Equal(director.Time.GetUtcNow(), report.GeneratedAt);
        Assert.Equal(director.Running.Path, report.ConfigFile);
        var instance = Assert.Single(report.Instances);
        Assert.Equal(("web", "eth0", 51, 3, 150, "master", true), (instance.Name, instance.Interface, instance.Vrid, instance.Version,
            instance.Priority, instance.State, instance.HoldsAddresses));
        Assert.Equal(["198.18.0.100/32"], instance.VirtualAddresses);
        Assert.Equal("198.18.0.1", instance.MasterAddress);
        Assert.Equal("MasterDownTimerExpired", instance.LastCause);
        var virtualServer = Assert.Single(report.VirtualServers);
        Assert.Equal(("web", "198.18.0.100:80/tcp", "wlc", "dr", true), (virtualServer.Name, virtualServer.Service, virtualServer.Scheduler,
            virtualServer.Forwarding, virtualServer.InKernel));
        Assert.Equal([("198.18.1.1", 2, (int?)2, (int?)2, (string?)null), ("198.18.1.2", 1, 1, 1, "down")],
            virtualServer.RealServers.Select(r => (r.Address, r.ConfiguredWeight, r.DesiredWeight, r.KernelWeight, r.Health?.State)));
        Assert.Empty(report.UnownedServices);
        Assert.True(report.Ipvs.InUse);
        Assert.Null(report.Ipvs.Error);
    }

    [Fact]
    public async Task Format_RealServerWithSeveralChecks_OneLineEachUnderTheServer()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        var service = director.Ipvs.Reconciler.Desired.Keys.Single();
        director.Health.Views[new RealServerId(service, new DestinationKey(IPAddress.Parse("198.18.1.2"), 80))] =
            new RealServerHealthView("down", "down", "2:http: /ready: HTTP 503 (not expected)", 3.5, director.Time.GetUtcNow(), 1, 0,
            [
                new CheckHealthView("1:tcp", "up", "up", "connected", 0.4, director.Time.GetUtcNow()),
                new CheckHealthView("2:http", "down", "down", "/ready: HTTP 503 (not expected)", 3.5, director.Time.GetUtcNow()),
            ]);

        var text = StatusFormatter.Format(await director.Status.BuildAsync(CancellationToken.None), director.Time.GetUtcNow());

        var lines = text.Split('\n').SkipWhile(l => !l.Contains("198.18.1.2:80", StringComparison.Ordinal)).Take(3).Select(l => l.TrimEnd()).ToArray();
        Assert.Contains("down: 2:http: /ready: HTTP 503 (not expected)", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^    check 1:tcp +up \(0\.4 ms\)$", lines[1]);
        Assert.Matches(@"^    check 2:http +down: /ready: HTTP 503 \(not expected\)$", lines[2]);
        Assert.Equal(2, text.Split('\n').Count(l => l.Contains("  check ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BuildAsync_ServiceSomeoneElseMade_ListedAsUnowned()
    {
        await using var director = new TestDirector(host: k => k.Ipvs.Load(new KernelTable([KernelService.Of(TestDirector.Unowned, [])])));
        await director.StartAsync();

        var report = await director.Status.BuildAsync(CancellationToken.None);

        var unowned = Assert.Single(report.UnownedServices);
        Assert.Equal(("198.18.0.200:53/udp", "rr"), (unowned.Service, unowned.Scheduler));
        Assert.False(report.VirtualServers.Single().InKernel); // a backup without warm standby programs nothing
    }

    [Fact]
    public async Task BuildAsync_KernelDumpFails_ReportStillBuiltWithTheError()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        director.Kernel.Ipvs.FailDumps = true;

        var report = await director.Status.BuildAsync(CancellationToken.None);

        Assert.NotNull(report.Ipvs.Error);
        Assert.Equal("backup", report.Instances.Single().State);
        Assert.Null(report.VirtualServers.Single().RealServers[0].KernelWeight);
    }

    [Fact]
    public async Task BuildAsync_IpvsSysctlReadOnly_ShownAsUnappliedSettingInJsonAndText()
    {
        await using var director = new TestDirector(host: k =>
        {
            k.SetSysctl("net/ipv4/vs/expire_nodest_conn", "0");
            k.MakeSysctlReadOnly("net/ipv4/vs/expire_nodest_conn");
        });
        await director.StartAsync();

        var report = await director.Status.BuildAsync(CancellationToken.None);

        var setting = Assert.Single(report.UnappliedSettings);
        Assert.Equal(("net.ipv4.vs.expire_nodest_conn", "1"), (setting.Name, setting.Wanted));
        Assert.Contains("\"unappliedSettings\":[{\"name\":\"net.ipv4.vs.expire_nodest_conn\",\"wanted\":\"1\",\"error\":\"Read-only file system",
            System.Text.Json.JsonSerializer.Serialize(report, ControlJsonContext.Default.StatusReport), StringComparison.Ordinal);
        Assert.Contains("WARNING setting not applied: net.ipv4.vs.expire_nodest_conn=1: Read-only file system",
            StatusFormatter.Format(report, director.Time.GetUtcNow()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildAsync_IpvsSysctlWritable_NoUnappliedSetting()
    {
        await using var director = new TestDirector(host: k => k.SetSysctl("net/ipv4/vs/expire_nodest_conn", "0"));
        await director.StartAsync();

        var report = await director.Status.BuildAsync(CancellationToken.None);

        Assert.Empty(report.UnappliedSettings);
        Assert.Equal("1", director.Kernel.SysctlOf("net/ipv4/vs/expire_nodest_conn"));
    }
}
