using HaDirector.Director.Configuration;
using HaDirector.Director.Health;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Metrics;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Ipvs;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Director.Tracking;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;

namespace HaDirector.Director.Tests.Tracking;

/// <summary>keepalived's per-real-server notify_up/notify_down, driven by the health checks on a fake clock.</summary>
public sealed class RealServerNotifyTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeCommandRunner _runner = new();
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly SwitchProbe _probe = new();
    private readonly TrackingMetrics _metrics;
    private readonly RealServerNotify _notify;
    private HealthService? _health;

    public RealServerNotifyTests()
    {
        _metrics = new TrackingMetrics(_registry);
        _notify = new RealServerNotify(_runner, _metrics, NullLogger<RealServerNotify>.Instance);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_health is not null)
        {
            await _health.DisposeAsync();
        }
    }

    private async Task StartAsync(RealServerConfig first)
    {
        var web = TestConfigs.Web() with
        {
            HealthCheck = new HealthCheckConfig { Type = HealthCheckType.Tcp, Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromMilliseconds(500), Rise = 1, Fall = 1 },
        };
        web = web with { RealServers = [first with { Address = web.RealServers[0].Address, Port = 80 }, web.RealServers[1]] };
        _health = new HealthService(TestConfigs.Config(null, web), _time, NullLogger<HealthService>.Instance, new NoSink(), null,
            new HealthServiceOptions
            {
                Random = new Random(3),
                ProbeFactory = (_, real) => real.Address.Equals(web.RealServers[0].Address) ? _probe : new SwitchProbe(),
                StateChanged = _notify.OnStateChanged,
            });
        await _health.StartAsync(CancellationToken.None);
    }

    /// <summary>One interval in 100 ms steps, every round finished.</summary>
    private void Round()
    {
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.True(SpinWait.SpinUntil(() => _health!.InProgress == 0, TimeSpan.FromSeconds(10)), "rounds did not finish");
        }
    }

    [Fact]
    public async Task HealthChecks_ServerDownThenUp_RunsNotifyDownThenNotifyUpAsWritten()
    {
        await StartAsync(new RealServerConfig { NotifyUp = "/usr/local/sbin/rs-up web1", NotifyDown = "/usr/local/sbin/rs-down web1" });
        Round();

        _probe.Up = false;
        Round();
        _probe.Up = true;
        Round();
        await _notify.Drained;

        // The first success is no news (a server starts alive, as in keepalived): down, then up.
        Assert.Equal(["/usr/local/sbin/rs-down web1", "/usr/local/sbin/rs-up web1"], _runner.Runs);
    }

    [Fact]
    public async Task HealthChecks_NoHooksConfigured_RunsNothing()
    {
        await StartAsync(new RealServerConfig());
        Round();
        _probe.Up = false;
        Round();
        await _notify.Drained;

        Assert.Empty(_runner.Runs);
    }

    [Fact]
    public async Task OnStateChanged_HookStillRunning_NextWaitsItsTurn_FailureCounted()
    {
        var hold = new TaskCompletionSource();
        _runner.Hold = hold.Task;
        _runner.ExitWith("down", 3);
        var server = new RealServerConfig { Address = System.Net.IPAddress.Parse("198.18.1.1"), Port = 80, NotifyUp = "up", NotifyDown = "down" };

        _notify.OnStateChanged("web", server, HealthState.Down);
        _notify.OnStateChanged("web", server, HealthState.Up);
        await TestDirector.WaitUntilAsync(() => _runner.Runs.Count == 1, "the first hook to start");
        Assert.Equal(["down"], _runner.Runs);      // up waits for down

        hold.SetResult();
        await _notify.Drained;

        Assert.Equal(["down", "up"], _runner.Runs);
        Assert.Equal(1, _metrics.NotifyFailures.WithLabels("web 198.18.1.1:80").Value);
    }

    private sealed class NoSink : IRealServerHealthSink
    {
        public void SetHealth(RealServerId id, RealServerHealth? health)
        {
        }
    }

    private sealed class SwitchProbe : IProbe
    {
        public volatile bool Up = true;

        public ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(Up ? ProbeResult.Success(ProbeReasons.Connected) : ProbeResult.Failure(ProbeReasons.Refused));
    }
}
