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

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingSink _sink = new();
    private readonly ConcurrentDictionary<IPAddress, ScriptedProbe> _probes = new();
    private readonly ConcurrentDictionary<(IPAddress, int), ScriptedProbe> _portProbes = new();
    private readonly ConcurrentQueue<(string RealServer, HealthState State)> _stateChanges = new();
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly VirtualServerConfig _web = TestConfigs.Web() with { HealthCheck = Check };
    private HealthService? _service;

    private RealServerId First => TestConfigs.RealServer(_web, "198.18.1.1");

    private RealServerId Second => TestConfigs.RealServer(_web, "198.18.1.2");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }

    [Fact]
    public async Task Checks_AllUp_TellTheSinkNothing()
    {
        await Start(_web);

        Rounds(3);

        Assert.Empty(_sink.Calls);
        Assert.All(_service!.Snapshot(), s => Assert.Equal(HealthState.Up, s.State));
    }

    [Fact]
    public async Task Checks_ServerFails_RemovedExactlyAtTheFallthFailure()
    {
        await Start(_web);
        Rounds(1);

        Probe("198.18.1.1").Up = false;
        Rounds(2);
        Assert.Empty(_sink.Calls);
        Rounds(1);

        Assert.Equal([(First, (RealServerHealth?)RealServerHealth.Removed)], _sink.Calls);
    }

    [Fact]
    public async Task Checks_InhibitOnFailure_SetsWeightZeroInstead()
    {
        await Start(_web with { HealthCheck = Check with { OnFailure = FailureAction.Inhibit } });
        Rounds(1);

        Probe("198.18.1.2").Up = false;
        Rounds(3);

        Assert.Equal([(Second, (RealServerHealth?)RealServerHealth.Inhibited)], _sink.Calls);
    }

    [Fact]
    public async Task Checks_ServerReturns_VerdictWithdrawnAfterRise()
    {
        await Start(_web);
        Rounds(1);
        Probe("198.18.1.1").Up = false;
        Rounds(3);

        Probe("198.18.1.1").Up = true;
        Rounds(1);
        Assert.Single(_sink.Calls);
        Rounds(1);

        Assert.Equal([(First, (RealServerHealth?)RealServerHealth.Removed), (First, null)], _sink.Calls);
        var status = _service!.Snapshot().Single(s => s.Id == First);
        Assert.Equal((HealthState.Up, 2, 2L, "connected"), (status.State, status.Weight, status.Flaps, status.Reason));
    }

    [Fact]
    public async Task Checks_AgentReportsHalf_WeightIsHalfTheConfiguredRoundedUp()
    {
        await Start(_web);
        Rounds(1);

        Probe("198.18.1.1").Weight = WeightReport.Percent(50);
        Probe("198.18.1.2").Weight = WeightReport.Percent(50);
        Rounds(1);

        Assert.Equal(
            [(First, (RealServerHealth?)RealServerHealth.WithWeight(1)), (Second, RealServerHealth.WithWeight(1))],
            _sink.Calls.OrderBy(c => c.Id.Destination.Address.ToString()));
    }

    [Fact]
    public async Task Reconfigure_NothingChanged_KeepsStateAndSaysNothing()
    {
        await Start(_web);
        Rounds(1);
        Probe("198.18.1.1").Up = false;
        Rounds(3);

        _service!.Reconfigure(TestConfigs.Config(null, _web with { Scheduler = "rr" }));
        Rounds(1);

        Assert.Single(_sink.Calls);
        var status = _service.Snapshot().Single(s => s.Id == First);
        Assert.Equal((HealthState.Down, 0), (status.State, status.Weight));
    }

    [Fact]
    public async Task Reconfigure_RealServerDropped_WithdrawsItsVerdictAndStopsChecking()
    {
        await Start(_web);
        Rounds(1);
        Probe("198.18.1.1").Up = false;
        Rounds(3);
        var callsBefore = Probe("198.18.1.1").Calls;

        _service!.Reconfigure(TestConfigs.Config(null, _web with { RealServers = [_web.RealServers[1]] }));
        Rounds(2);

        Assert.Equal((First, (RealServerHealth?)null), _sink.Calls[^1]);
        Assert.Equal(callsBefore, Probe("198.18.1.1").Calls);
        Assert.Equal([Second], _service.Snapshot().Select(s => s.Id));
    }

    [Fact]
    public async Task Reconfigure_CheckChanged_KeepsTheVerdictUntilTheNewCheckDecides()
    {
        await Start(_web);
        Rounds(1);
        Probe("198.18.1.1").Up = false;
        Rounds(3);

        _service!.Reconfigure(TestConfigs.Config(null, _web with { HealthCheck = Check with { Fall = 5 } }));
        Assert.Single(_sink.Calls);
        Rounds(1);

        // The new check's first result (still down) decides at once and matches the kept verdict: no call.
        Assert.Single(_sink.Calls);
        Assert.Equal(HealthState.Down, _service.Snapshot().Single(s => s.Id == First).State);
    }

    [Fact]
    public async Task Reconfigure_WeightChangedWhileAgentReportsPercent_AppliesToTheNewWeight()
    {
        await Start(_web);
        Rounds(1);
        Probe("198.18.1.1").Weight = WeightReport.Percent(50);
        Rounds(1);

        var heavier = _web with { RealServers = [_web.RealServers[0] with { Weight = 10 }, _web.RealServers[1]] };
        _service!.Reconfigure(TestConfigs.Config(null, heavier));

        Assert.Equal((First, (RealServerHealth?)RealServerHealth.WithWeight(5)), _sink.Calls[^1]);
    }

    [Fact]
    public async Task Constructor_CheckTypeNone_ChecksNothing()
    {
        await Start(_web with { HealthCheck = new HealthCheckConfig { Type = HealthCheckType.None } });

        Rounds(2);

        Assert.Equal(0, _service!.Count);
        Assert.Empty(_probes);
    }

    [Fact]
    public async Task Metrics_ServerDown_ShowsUpZeroWeightZeroAndAFlap()
    {
        await Start(_web);
        Rounds(1);
        Probe("198.18.1.1").Up = false;
        Rounds(3);

        var text = await Scrape();

        Assert.Contains("hadirector_real_server_up{virtual_server=\"web80\",real_server=\"198.18.1.1:80\"} 0", text);
        Assert.Contains("hadirector_real_server_weight{virtual_server=\"web80\",real_server=\"198.18.1.1:80\"} 0", text);
        Assert.Contains("hadirector_real_server_weight{virtual_server=\"web80\",real_server=\"198.18.1.2:80\"} 1", text);
        Assert.Contains("hadirector_real_server_flaps_total{virtual_server=\"web80\",real_server=\"198.18.1.1:80\"} 1", text);
        Assert.Contains("hadirector_healthcheck_checks_total{virtual_server=\"web80\",real_server=\"198.18.1.1:80\",result=\"down\"} 3", text);
    }

    private static HealthCheckConfig OwnCheck(int port) => Check with { Port = port };

    /// <summary>The service's check for 198.18.1.2; 198.18.1.1 has a check on 8080 (fall 3) and one on 8081 (fall 1).</summary>
    private VirtualServerConfig WithOwnChecks(FailureAction? onFailure = null, params HealthCheckConfig[] checks) =>
        _web with
        {
            RealServers =
            [
                _web.RealServers[0] with
                {
                    HealthChecks = checks.Length > 0 ? [.. checks] : [OwnCheck(8080), OwnCheck(8081) with { Fall = 1 }],
                    OnFailure = onFailure,
                },
                _web.RealServers[1],
            ],
        };

    [Fact]
    public async Task Checks_OneOfTwoChecksFails_ServerRemovedAtThatChecksOwnFall()
    {
        await Start(WithOwnChecks());
        Rounds(1);

        Probe("198.18.1.1", 8081).Up = false;
        Rounds(1);

        // The 8081 check falls at its first failure; the 8080 check passing does not hold the server up.
        Assert.Equal([(First, (RealServerHealth?)RealServerHealth.Removed)], _sink.Calls);
        var status = _service!.Snapshot().Single(s => s.Id == First);
        Assert.Equal((HealthState.Down, "2:tcp: connection refused"), (status.State, status.Reason));
        Assert.Equal(
            [("1:tcp", HealthState.Up, "connected"), ("2:tcp", HealthState.Down, "connection refused")],
            status.Checks.Select(c => (c.Check, c.State, c.Reason)));
    }

    [Fact]
    public async Task Checks_FailedCheckRises_ServerBackOnlyWhenEveryCheckIsUp()
    {
        await Start(WithOwnChecks());
        Rounds(1);
        Probe("198.18.1.1", 8081).Up = false;
        Probe("198.18.1.1", 8080).Up = false;
        Rounds(3);

        Probe("198.18.1.1", 8081).Up = true;
        Rounds(3);
        Assert.Single(_sink.Calls);

        Probe("198.18.1.1", 8080).Up = true;
        Rounds(1);
        Assert.Single(_sink.Calls);
        Rounds(1);

        Assert.Equal([(First, (RealServerHealth?)RealServerHealth.Removed), (First, null)], _sink.Calls);
        Assert.Equal([("198.18.1.1", HealthState.Up), ("198.18.1.1", HealthState.Down), ("198.18.1.1", HealthState.Up)],
            _stateChanges.Where(c => c.RealServer == "198.18.1.1"));
    }

    [Fact]
    public async Task Checks_BothChecksFailTogether_StateChangedOnceForTheServer()
    {
        await Start(WithOwnChecks(null, OwnCheck(8080) with { Fall = 1 }, OwnCheck(8081) with { Fall = 1 }));
        Rounds(1);

        Probe("198.18.1.1", 8080).Up = false;
        Probe("198.18.1.1", 8081).Up = false;
        Rounds(2);

        Assert.Equal([HealthState.Up, HealthState.Down], _stateChanges.Where(c => c.RealServer == "198.18.1.1").Select(c => c.State));
        Assert.Single(_sink.Calls);
    }

    [Fact]
    public async Task Checks_EachCheckOnItsOwnInterval_ProbedAtItsOwnRate()
    {
        await Start(WithOwnChecks(null, OwnCheck(8080), OwnCheck(8081) with { Interval = TimeSpan.FromSeconds(3) }));

        Rounds(6);

        Assert.Equal((6, 2), (Probe("198.18.1.1", 8080).Calls, Probe("198.18.1.1", 8081).Calls));
    }

    [Fact]
    public async Task Checks_TwoChecksReportWeights_TheLowestApplies()
    {
        // Configured 2: 50% is 1, an absolute 3 is more; the lower wins whichever kind it is.
        await Start(WithOwnChecks());
        Rounds(1);

        Probe("198.18.1.1", 8081).Weight = WeightReport.Absolute(3);
        Rounds(1);
        Probe("198.18.1.1", 8080).Weight = WeightReport.Percent(50);
        Rounds(1);
        Probe("198.18.1.1", 8080).Weight = WeightReport.Percent(100);
        Rounds(1);

        Assert.Equal(
            [RealServerHealth.WithWeight(3), RealServerHealth.WithWeight(1), RealServerHealth.WithWeight(2)],
            _sink.Calls.Select(c => c.Health!.Value));
    }

    [Fact]
    public async Task Checks_EmptyListOfChecks_ServerNeverChecked()
    {
        await Start(_web with { RealServers = [_web.RealServers[0] with { HealthChecks = [] }, _web.RealServers[1]] });

        Rounds(2);

        Assert.Equal([Second], _service!.Snapshot().Select(s => s.Id));
        Assert.False(_probes.ContainsKey(IPAddress.Parse("198.18.1.1")));
    }

    [Fact]
    public async Task Checks_OnFailureInhibitOnOneServer_OnlyThatServerIsInhibited()
    {
        await Start(_web with { RealServers = [_web.RealServers[0] with { OnFailure = FailureAction.Inhibit }, _web.RealServers[1]] });
        Rounds(1);

        Probe("198.18.1.1").Up = false;
        Probe("198.18.1.2").Up = false;
        Rounds(3);

        Assert.Equal(
            [(First, (RealServerHealth?)RealServerHealth.Inhibited), (Second, RealServerHealth.Removed)],
            _sink.Calls.OrderBy(c => c.Id.Destination.Address.ToString()));
    }

    [Fact]
    public async Task Reconfigure_OneServersChecksChanged_OnlyThoseRestartTheOtherKeepsItsState()
    {
        await Start(WithOwnChecks());
        Rounds(1);
        Probe("198.18.1.2").Up = false;
        Probe("198.18.1.1", 8081).Up = false;
        Rounds(3);
        var (secondCalls, callsBefore) = (Probe("198.18.1.2").Calls, _sink.Calls.Count);

        // 198.18.1.1's second check changes; 198.18.1.2 (down) and the service's check do not.
        _service!.Reconfigure(TestConfigs.Config(null, WithOwnChecks(null, OwnCheck(8080), OwnCheck(8082))));
        Rounds(1);

        Assert.Equal(HealthState.Down, _service.Snapshot().Single(s => s.Id == Second).State);
        Assert.Equal(secondCalls + 1, Probe("198.18.1.2").Calls); // no restart: one more round on the same schedule
        // 198.18.1.1 stays removed until its new checks have both answered, then both pass.
        Assert.Equal([(First, (RealServerHealth?)null)], _sink.Calls.Skip(callsBefore));
        Assert.Equal(1, Probe("198.18.1.1", 8082).Calls);
    }

    [Fact]
    public async Task Reconfigure_OnFailureChangedOnOneServer_RestartsItKeepingItsVerdictUntilDecided()
    {
        await Start(_web);
        Rounds(1);
        Probe("198.18.1.1").Up = false;
        Rounds(3);

        _service!.Reconfigure(TestConfigs.Config(null, _web with { RealServers = [_web.RealServers[0] with { OnFailure = FailureAction.Inhibit }, _web.RealServers[1]] }));
        Assert.Single(_sink.Calls);
        Rounds(1);

        Assert.Equal([(First, (RealServerHealth?)RealServerHealth.Removed), (First, RealServerHealth.Inhibited)], _sink.Calls);
    }

    [Fact]
    public async Task Metrics_TwoChecks_ServerSeriesCombinedAndOneUpGaugePerCheck()
    {
        await Start(WithOwnChecks());
        Rounds(1);
        Probe("198.18.1.1", 8081).Up = false;
        Rounds(1);

        var text = await Scrape();

        Assert.Contains("hadirector_real_server_up{virtual_server=\"web80\",real_server=\"198.18.1.1:80\"} 0", text);
        Assert.Contains("hadirector_real_server_check_up{virtual_server=\"web80\",real_server=\"198.18.1.1:80\",check=\"1:tcp\"} 1", text);
        Assert.Contains("hadirector_real_server_check_up{virtual_server=\"web80\",real_server=\"198.18.1.1:80\",check=\"2:tcp\"} 0", text);
        Assert.Contains("hadirector_healthcheck_checks_total{virtual_server=\"web80\",real_server=\"198.18.1.1:80\",result=\"up\"} 3", text);
        Assert.DoesNotContain("real_server=\"198.18.1.2:80\",check=", text); // one check: no per-check series
    }

    private async Task<string> Scrape()
    {
        using var stream = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private async Task Start(VirtualServerConfig virtualServer)
    {
        _service = new HealthService(
            TestConfigs.Config(null, virtualServer),
            _time,
            NullLogger<HealthService>.Instance,
            _sink,
            new HealthMetrics(_registry),
            new HealthServiceOptions
            {
                Random = new Random(3),
                // A server's own checks name their port here; the service's check has none.
                ProbeFactory = (check, real) => check.Port is { } port
                    ? _portProbes.GetOrAdd((real.Address, port), _ => new ScriptedProbe())
                    : _probes.GetOrAdd(real.Address, _ => new ScriptedProbe()),
                StateChanged = (_, real, state) => _stateChanges.Enqueue((real.Address.ToString(), state)),
            });
        await _service.StartAsync(CancellationToken.None);
    }

    private ScriptedProbe Probe(string address) => _probes[IPAddress.Parse(address)];

    private ScriptedProbe Probe(string address, int port) => _portProbes[(IPAddress.Parse(address), port)];

    /// <summary>One interval in 100 ms steps: every target runs exactly one round (the first lands within the first interval).</summary>
    private void Rounds(int count)
    {
        for (var i = 0; i < count * 10; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.True(SpinWait.SpinUntil(() => _service!.InProgress == 0, TimeSpan.FromSeconds(10)), "rounds did not finish");
        }
    }

    private sealed class RecordingSink : IRealServerHealthSink
    {
        private readonly ConcurrentQueue<(RealServerId Id, RealServerHealth? Health)> _calls = new();

        public List<(RealServerId Id, RealServerHealth? Health)> Calls => [.. _calls];

        public void SetHealth(RealServerId id, RealServerHealth? health) => _calls.Enqueue((id, health));
    }

    private sealed class ScriptedProbe : IProbe
    {
        private int _calls;

        public volatile bool Up = true;

        public WeightReport Weight { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(Up ? ProbeResult.Success(ProbeReasons.Connected, Weight) : ProbeResult.Failure(ProbeReasons.Refused));
        }
    }
}
