using System.Collections.Concurrent;
using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Health;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Metrics;
using HaDirector.Director.Tests.Ipvs;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;

namespace HaDirector.Director.Tests.Health;

public sealed class HealthServiceTests : IAsyncLifetime
{
    private static readonly HealthCheckConfig Check = new()
    {
        Type = HealthCheckType.Tcp,
        Interval = TimeSpan.FromSeconds(1),
        Timeout = TimeSpan.FromMilliseconds(500),
        Rise = 2,
        Fall = 3,
    };

    private readonly FakeTimeProvider time = new();
    private readonly RecordingSink sink = new();
    private readonly ConcurrentDictionary<IPAddress, ScriptedProbe> probes = new();
    private readonly CollectorRegistry registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly VirtualServerConfig web = TestConfigs.Web() with { HealthCheck = Check };
    private HealthService? service;

    private RealServerId First => TestConfigs.RealServer(web, "198.18.1.1");

    private RealServerId Second => TestConfigs.RealServer(web, "198.18.1.2");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (service is not null)
        {
            await service.DisposeAsync();
        }
    }

    [Fact]
    public async Task Checks_AllUp_TellTheSinkNothing()
    {
        await Start(web);

        Rounds(3);

        Assert.Empty(sink.Calls);
        Assert.All(service!.Snapshot(), s => Assert.Equal(HealthState.Up, s.State));
    }

    [Fact]
    public async Task Checks_ServerFails_RemovedExactlyAtTheFallthFailure()
    {
        await Start(web);
        Rounds(1);

        Probe("198.18.1.1").Up = false;
        Rounds(2);
        Assert.Empty(sink.Calls);
        Rounds(1);

        Assert.Equal([(First, (RealServerHealth?)RealServerHealth.Removed)], sink.Calls);
    }

    [Fact]
    public async Task Checks_InhibitOnFailure_SetsWeightZeroInstead()
    {
        await Start(web with { HealthCheck = Check with { OnFailure = FailureAction.Inhibit } });
        Rounds(1);

        Probe("198.18.1.2").Up = false;
        Rounds(3);

        Assert.Equal([(Second, (RealServerHealth?)RealServerHealth.Inhibited)], sink.Calls);
    }

    [Fact]
    public async Task Checks_ServerReturns_VerdictWithdrawnAfterRise()
    {
        await Start(web);
        Rounds(1);
        Probe("198.18.1.1").Up = false;
        Rounds(3);

        Probe("198.18.1.1").Up = true;
        Rounds(1);
        Assert.Single(sink.Calls);
        Rounds(1);

        Assert.Equal([(First, (RealServerHealth?)RealServerHealth.Removed), (First, null)], sink.Calls);
        var status = service!.Snapshot().Single(s => s.Id == First);
        Assert.Equal((HealthState.Up, 2, 2L, "connected"), (status.State, status.Weight, status.Flaps, status.Reason));
    }

    [Fact]
    public async Task Checks_AgentReportsHalf_WeightIsHalfTheConfiguredRoundedUp()
    {
        await Start(web);
        Rounds(1);

        Probe("198.18.1.1").Weight = WeightReport.Percent(50);
        Probe("198.18.1.2").Weight = WeightReport.Percent(50);
        Rounds(1);

        Assert.Equal(
            [(First, (RealServerHealth?)RealServerHealth.WithWeight(1)), (Second, RealServerHealth.WithWeight(1))],
            sink.Calls.OrderBy(c => c.Id.Destination.Address.ToString()));
    }

    [Fact]
    public async Task Reconfigure_NothingChanged_KeepsStateAndSaysNothing()
    {
        await Start(web);
        Rounds(1);
        Probe("198.18.1.1").Up = false;
        Rounds(3);

        service!.Reconfigure(TestConfigs.Config(null, web with { Scheduler = "rr" }));
        Rounds(1);

        Assert.Single(sink.Calls);
        var status = service.Snapshot().Single(s => s.Id == First);
        Assert.Equal((HealthState.Down, 0), (status.State, status.Weight));
    }

    [Fact]
    public async Task Reconfigure_RealServerDropped_WithdrawsItsVerdictAndStopsChecking()
    {
        await Start(web);
        Rounds(1);
        Probe("198.18.1.1").Up = false;
        Rounds(3);
        var callsBefore = Probe("198.18.1.1").Calls;

        service!.Reconfigure(TestConfigs.Config(null, web with { RealServers = [web.RealServers[1]] }));
        Rounds(2);

        Assert.Equal((First, (RealServerHealth?)null), sink.Calls[^1]);
        Assert.Equal(callsBefore, Probe("198.18.1.1").Calls);
        Assert.Equal([Second], service.Snapshot().Select(s => s.Id));
    }

    [Fact]
    public async Task Reconfigure_CheckChanged_KeepsTheVerdictUntilTheNewCheckDecides()
    {
        await Start(web);
        Rounds(1);
        Probe("198.18.1.1").Up = false;
        Rounds(3);

        service!.Reconfigure(TestConfigs.Config(null, web with { HealthCheck = Check with { Fall = 5 } }));
        Assert.Single(sink.Calls);
        Rounds(1);

        // The new check's first result (still down) decides at once and matches the kept verdict: no call.
        Assert.Single(sink.Calls);
        Assert.Equal(HealthState.Down, service.Snapshot().Single(s => s.Id == First).State);
    }

    [Fact]
    public async Task Reconfigure_WeightChangedWhileAgentReportsPercent_AppliesToTheNewWeight()
    {
        await Start(web);
        Rounds(1);
        Probe("198.18.1.1").Weight = WeightReport.Percent(50);
        Rounds(1);

        var heavier = web with { RealServers = [web.RealServers[0] with { Weight = 10 }, web.RealServers[1]] };
        service!.Reconfigure(TestConfigs.Config(null, heavier));

        Assert.Equal((First, (RealServerHealth?)RealServerHealth.WithWeight(5)), sink.Calls[^1]);
    }

    [Fact]
    public async Task Constructor_CheckTypeNone_ChecksNothing()
    {
        await Start(web with { HealthCheck = new HealthCheckConfig { Type = HealthCheckType.None } });

        Rounds(2);

        Assert.Equal(0, service!.Count);
        Assert.Empty(probes);
    }

    [Fact]
    public async Task Metrics_ServerDown_ShowsUpZeroWeightZeroAndAFlap()
    {
        await Start(web);
        Rounds(1);
        Probe("198.18.1.1").Up = false;
        Rounds(3);

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());

        Assert.Contains("hadirector_real_server_up{virtual_server=\"web80\",real_server=\"198.18.1.1:80\"} 0", text);
        Assert.Contains("hadirector_real_server_weight{virtual_server=\"web80\",real_server=\"198.18.1.1:80\"} 0", text);
        Assert.Contains("hadirector_real_server_weight{virtual_server=\"web80\",real_server=\"198.18.1.2:80\"} 1", text);
        Assert.Contains("hadirector_real_server_flaps_total{virtual_server=\"web80\",real_server=\"198.18.1.1:80\"} 1", text);
        Assert.Contains("hadirector_healthcheck_checks_total{virtual_server=\"web80\",real_server=\"198.18.1.1:80\",result=\"down\"} 3", text);
    }

    private async Task Start(VirtualServerConfig virtualServer)
    {
        service = new HealthService(
            TestConfigs.Config(null, virtualServer),
            time,
            NullLogger<HealthService>.Instance,
            sink,
            new HealthMetrics(registry),
            new HealthServiceOptions { Random = new Random(3), ProbeFactory = (_, real) => probes.GetOrAdd(real.Address, _ => new ScriptedProbe()) });
        await service.StartAsync(CancellationToken.None);
    }

    private ScriptedProbe Probe(string address) => probes[IPAddress.Parse(address)];

    /// <summary>One interval in 100 ms steps: every target runs exactly one round (the first lands within the first interval).</summary>
    private void Rounds(int count)
    {
        for (var i = 0; i < count * 10; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.True(SpinWait.SpinUntil(() => service!.InProgress == 0, TimeSpan.FromSeconds(10)), "rounds did not finish");
        }
    }

    private sealed class RecordingSink : IRealServerHealthSink
    {
        private readonly ConcurrentQueue<(RealServerId Id, RealServerHealth? Health)> calls = new();

        public List<(RealServerId Id, RealServerHealth? Health)> Calls => [.. calls];

        public void SetHealth(RealServerId id, RealServerHealth? health) => calls.Enqueue((id, health));
    }

    private sealed class ScriptedProbe : IProbe
    {
        private int calls;

        public volatile bool Up = true;

        public WeightReport Weight { get; set; }

        public int Calls => Volatile.Read(ref calls);

        public ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult(Up ? ProbeResult.Success(ProbeReasons.Connected, Weight) : ProbeResult.Failure(ProbeReasons.Refused));
        }
    }
}
