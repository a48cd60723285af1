using System.Net;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Scheduling;
using HaDirector.HealthCheck.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.HealthCheck.Tests.Scheduling;

/// <summary>
/// What every engine lane owes the scheduler, whichever engine runs it (<see cref="ConnectRoundsTests"/>,
/// <see cref="HalfOpenRoundsTests"/>): a removed target is not checked again, and a stop leaves nothing in flight
/// and reports nothing. Each test class has an engine of its own, so its <see cref="Pending"/> counts only its attempts.
/// </summary>
public abstract class EngineRoundsTests : IDisposable
{
    protected static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    protected RecordingObserver Observer { get; } = new();

    /// <summary>The engine's attempts in flight.</summary>
    protected abstract int Pending { get; }

    public abstract void Dispose();

    [Fact]
    public async Task Remove_Target_IsNotCheckedAgain()
    {
        await using var open = LoopbackServer.Start((_, _) => Task.CompletedTask);
        var time = new FakeTimeProvider();
        await using var scheduler = new HealthCheckScheduler(time, Observer, random: new Random(1));
        var target = Target("open", open.EndPoint, new CheckTiming(Second, TimeSpan.FromMilliseconds(500)));
        scheduler.Add(target);
        scheduler.Add(Target("kept", open.EndPoint, new CheckTiming(Second, TimeSpan.FromMilliseconds(500))));
        scheduler.Start();
        time.Advance(Second);
        Eventually.True(() => Observer.Results("open").Count == 1 && Observer.Results("kept").Count == 1 && scheduler.InProgress == 0, "the first rounds reported");

        // Each second the kept target's round reports: the pass that would have started the removed one's ran.
        scheduler.Remove(target);
        for (var i = 2; i <= 4; i++)
        {
            time.Advance(Second);
            Eventually.True(() => Observer.Results("kept").Count == i && scheduler.InProgress == 0, "the kept target's round reported");
        }

        Assert.Single(Observer.Results("open"));
        Assert.Equal((1, 0), (scheduler.Count, scheduler.InProgress));
    }

    [Fact]
    public async Task StopAsync_AttemptInFlight_NothingLeftAndNothingReported()
    {
        await using var blackhole = LoopbackServer.Blackhole();
        var time = new FakeTimeProvider();
        var scheduler = new HealthCheckScheduler(time, Observer, random: new Random(1));
        scheduler.Add(Target("dropped", blackhole.EndPoint, new CheckTiming(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5))));
        scheduler.Start();
        time.Advance(TimeSpan.FromSeconds(10));
        Eventually.True(() => Pending == 1, "the attempt started");

        await scheduler.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await scheduler.DisposeAsync();
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal((0, 0), (Pending, scheduler.InProgress));
        Assert.Empty(Observer.Results("dropped"));
    }

    protected abstract HealthTarget Target(string name, IPEndPoint endPoint, CheckTiming timing);
}
