using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Scheduling;
using HaDirector.HealthCheck.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.HealthCheck.Tests.Scheduling;

/// <summary>
/// The scheduler's half-open targets on the engine's own thread, against real listeners on loopback (CAP_NET_RAW:
/// tests run as root). Each test has an engine of its own, so <see cref="HalfOpenEngine.Pending"/> counts only its SYNs.
/// </summary>
public sealed class HalfOpenRoundsTests : EngineRoundsTests
{
    private readonly HalfOpenEngine _engine = new();

    protected override int Pending => _engine.Pending;

    public override void Dispose() => _engine.Dispose();

    [Fact]
    public async Task Start_OpenAndClosedPorts_EachRoundReportedWithItsAnswer()
    {
        await using var open = LoopbackServer.Start((_, _) => Task.CompletedTask);
        var closed = LoopbackServer.Closed();
        await using var scheduler = new HealthCheckScheduler(TimeProvider.System, Observer);
        scheduler.Add(Target("open", open.EndPoint, new CheckTiming(TimeSpan.FromMilliseconds(100), Second)));
        scheduler.Add(Target("closed", closed, new CheckTiming(TimeSpan.FromMilliseconds(100), Second)));
        scheduler.Start();

        Eventually.True(() => Observer.Results("open").Count >= 3 && Observer.Results("closed").Count >= 3, "three rounds of each");
        await scheduler.StopAsync();

        Assert.All(Observer.Results("open"), r => Assert.Equal((true, ProbeReasons.SynAcked), (r.Up, r.Reason)));
        Assert.All(Observer.Results("closed"), r => Assert.Equal((false, ProbeReasons.Refused), (r.Up, r.Reason)));
        Assert.Empty(open.Accepted);
        Eventually.True(() => _engine.Pending == 0, "no SYN left pending");
    }

    [Fact]
    public async Task Start_Ipv4AndIpv6Targets_EachRoundReportedWithItsAnswer()
    {
        await using var open6 = LoopbackServer.StartIpv6((_, _) => Task.CompletedTask);
        await using var open4 = LoopbackServer.Start((_, _) => Task.CompletedTask);
        var closed6 = new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, LoopbackServer.Closed().Port);
        await using var scheduler = new HealthCheckScheduler(TimeProvider.System, Observer);
        scheduler.Add(Target("open6", open6.EndPoint, new CheckTiming(TimeSpan.FromMilliseconds(100), Second)));
        scheduler.Add(Target("open4", open4.EndPoint, new CheckTiming(TimeSpan.FromMilliseconds(100), Second)));
        scheduler.Add(Target("closed6", closed6, new CheckTiming(TimeSpan.FromMilliseconds(100), Second)));
        scheduler.Start();

        Eventually.True(() => new[] { "open6", "open4", "closed6" }.All(n => Observer.Results(n).Count >= 3), "three rounds of each");
        await scheduler.StopAsync();

        Assert.All(Observer.Results("open6"), r => Assert.Equal((true, ProbeReasons.SynAcked), (r.Up, r.Reason)));
        Assert.All(Observer.Results("open4"), r => Assert.Equal((true, ProbeReasons.SynAcked), (r.Up, r.Reason)));
        Assert.All(Observer.Results("closed6"), r => Assert.Equal((false, ProbeReasons.Refused), (r.Up, r.Reason)));
        Assert.Empty(open6.Accepted);
        Eventually.True(() => _engine.Pending == 0, "no SYN left pending");
    }

    [Fact]
    public async Task Start_NoAnswer_TimesOutOnTheInjectedClockAfterItsRetry()
    {
        await using var blackhole = LoopbackServer.Blackhole();
        var time = new FakeTimeProvider();
        await using var scheduler = new HealthCheckScheduler(time, Observer, random: new Random(1));
        var timing = new CheckTiming(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500), retry: 1, retryDelay: TimeSpan.FromMilliseconds(200));
        scheduler.Add(Target("dropped", blackhole.EndPoint, timing));
        scheduler.Start();

        // The first round is due within one interval; the fake clock stands still while the engine sends it.
        time.Advance(TimeSpan.FromSeconds(10));
        Eventually.True(() => _engine.SynsSent == 1, "the first SYN sent");
        time.Advance(TimeSpan.FromMilliseconds(500));
        Eventually.True(() => _engine.Pending == 0 && scheduler.InProgress == 0, "the first attempt timed out");
        Assert.Empty(Observer.Results("dropped"));

        time.Advance(TimeSpan.FromMilliseconds(200));
        Eventually.True(() => _engine.SynsSent == 2, "the retry sent");

        // In two steps: a timeout that fired a millisecond early would show as a latency of 499 ms.
        time.Advance(TimeSpan.FromMilliseconds(499));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Eventually.True(() => Observer.Results("dropped").Count == 1 && scheduler.InProgress == 0, "the round reported");

        var result = Observer.Results("dropped").Single();
        Assert.Equal((false, ProbeReasons.TimedOut, TimeSpan.FromMilliseconds(500)), (result.Up, result.Reason, result.Latency));
    }

    protected override HealthTarget Target(string name, System.Net.IPEndPoint endPoint, CheckTiming timing) =>
        new(name, new HalfOpenProbe(new ProbeEndpoint(endPoint), _engine), timing, new HealthPolicy(rise: 1, fall: 1));
}
