using System.Net;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Scheduling;
using HaDirector.HealthCheck.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.HealthCheck.Tests.Scheduling;

/// <summary>
/// The scheduler's plain connect targets on the connect engine's own thread, against real listeners on loopback.
/// Each test has an engine of its own, so <see cref="ConnectEngine.Pending"/> counts only its connects; the
/// scheduler's <see cref="HealthCheckScheduler.Running"/> counts the probes it starts itself, none of them here.
/// </summary>
public sealed class ConnectRoundsTests : EngineRoundsTests
{
    private readonly ConnectEngine _engine = new();

    protected override int Pending => _engine.Pending;

    public override void Dispose() => _engine.Dispose();

    [Fact]
    public async Task Start_OpenAndClosedPorts_EachRoundReportedWithItsAnswerOnTheEnginesThread()
    {
        await using var open = LoopbackServer.Start((_, _) => Task.CompletedTask);
        await using var open6 = LoopbackServer.StartIpv6((_, _) => Task.CompletedTask);
        var closed = LoopbackServer.Closed();
        await using var scheduler = new HealthCheckScheduler(TimeProvider.System, Observer);
        scheduler.Add(Target("open", open.EndPoint, new CheckTiming(TimeSpan.FromMilliseconds(100), Second)));
        scheduler.Add(Target("open6", open6.EndPoint, new CheckTiming(TimeSpan.FromMilliseconds(100), Second)));
        scheduler.Add(Target("closed", closed, new CheckTiming(TimeSpan.FromMilliseconds(100), Second)));
        scheduler.Start();

        Eventually.True(() => new[] { "open", "open6", "closed" }.All(n => Observer.Results(n).Count >= 3), "three rounds of each");
        await scheduler.StopAsync();

        Assert.All(Observer.Results("open"), r => Assert.Equal((true, ProbeReasons.Connected), (r.Up, r.Reason)));
        Assert.All(Observer.Results("open6"), r => Assert.Equal((true, ProbeReasons.Connected), (r.Up, r.Reason)));
        Assert.All(Observer.Results("closed"), r => Assert.Equal((false, ProbeReasons.Refused), (r.Up, r.Reason)));
        Assert.Equal(["health connect"], Observer.Threads);
        Eventually.True(() => _engine.Pending == 0, "no connect left pending");
    }

    [Fact]
    public async Task Start_NoAnswer_HeldByTheEngineAndTimedOutOnTheInjectedClockAfterItsRetry()
    {
        await using var blackhole = LoopbackServer.Blackhole();
        var time = new FakeTimeProvider();
        await using var scheduler = new HealthCheckScheduler(time, Observer, random: new Random(1));
        var timing = new CheckTiming(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500), retry: 1, retryDelay: TimeSpan.FromMilliseconds(200));
        scheduler.Add(Target("dropped", blackhole.EndPoint, timing));
        scheduler.Start();

        // The first round is due within one interval; the engine starts the connect, not a probe of the scheduler's.
        time.Advance(TimeSpan.FromSeconds(10));
        Eventually.True(() => _engine.Pending == 1, "the first connect started");
        Assert.Equal(0, scheduler.Running);
        time.Advance(TimeSpan.FromMilliseconds(500));
        Eventually.True(() => _engine.Pending == 0 && scheduler.InProgress == 0, "the first attempt timed out");
        Assert.Empty(Observer.Results("dropped"));

        time.Advance(TimeSpan.FromMilliseconds(200));
        Eventually.True(() => _engine.Pending == 1, "the retry started");

        // In two steps: a timeout that fired a millisecond early would show as a latency of 499 ms.
        time.Advance(TimeSpan.FromMilliseconds(499));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Eventually.True(() => Observer.Results("dropped").Count == 1 && scheduler.InProgress == 0, "the round reported");

        var result = Observer.Results("dropped").Single();
        Assert.Equal((false, ProbeReasons.TimedOut, TimeSpan.FromMilliseconds(500)), (result.Up, result.Reason, result.Latency));
        Assert.Equal(0, _engine.Pending);
    }

    [Fact]
    public async Task Start_MoreDueThanTheLimit_AtMostTheLimitConnectingAtOnce()
    {
        await using var blackhole = LoopbackServer.Blackhole();
        var time = new FakeTimeProvider();
        await using var scheduler = new HealthCheckScheduler(time, Observer, maxConcurrency: 2, random: new Random(1));
        for (var i = 0; i < 5; i++)
        {
            // Next rounds are due an interval after the first, long after the timeouts below.
            scheduler.Add(Target($"t{i}", blackhole.EndPoint, new CheckTiming(TimeSpan.FromSeconds(1000), TimeSpan.FromSeconds(1))));
        }

        scheduler.Start();
        time.Advance(TimeSpan.FromSeconds(1000));
        Eventually.True(() => _engine.Pending == 2, "two connects started");

        // Each timeout frees a slot that a waiting round takes at once.
        time.Advance(Second);
        Eventually.True(() => Observer.Count == 2 && _engine.Pending == 2, "two timed out, two more started");
        time.Advance(Second);
        Eventually.True(() => Observer.Count == 4 && _engine.Pending == 1, "the last one started");
        time.Advance(Second);
        Eventually.True(() => Observer.Count == 5 && _engine.Pending == 0, "all timed out");
    }

    protected override HealthTarget Target(string name, IPEndPoint endPoint, CheckTiming timing) =>
        new(name, new TcpProbe(new ProbeEndpoint(endPoint), _engine), timing, new HealthPolicy(rise: 1, fall: 1));
}
