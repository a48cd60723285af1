using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Tests.Policy;

public sealed class HealthTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ProbeResult Ok = ProbeResult.Success("ok");
    private static readonly ProbeResult Bad = ProbeResult.Failure("connection refused");

    /// <summary>Feeds results one second apart; returns the state after each.</summary>
    private static string Feed(HealthTracker tracker, string results)
    {
        var states = new List<char>();
        for (var i = 0; i < results.Length; i++)
        {
            tracker.Record(results[i] == '+' ? Ok : Bad, T0.AddSeconds(i));
            states.Add(tracker.State switch { HealthState.Up => 'U', HealthState.Down => 'D', _ => '?' });
        }

        return new string([.. states]);
    }

    [Theory]
    [InlineData(2, 3, "+--+---", "UUUUUUD")]
    [InlineData(2, 3, "+---", "UUUD")]
    [InlineData(2, 1, "+-", "UD")]
    [InlineData(3, 2, "--+-+++", "DDDDDDU")]
    [InlineData(2, 2, "+-+-+-+-+-", "UUUUUUUUUU")]
    [InlineData(2, 2, "-+-+-+-+-+", "DDDDDDDDDD")]
    public void Record_Sequences_ExactlyFallToGoDownAndRiseToComeBack(int rise, int fall, string results, string states)
    {
        Assert.Equal(states, Feed(new HealthTracker(new HealthPolicy(rise, fall)), results));
    }

    [Fact]
    public void Record_FirstResult_DecidesAtOnce()
    {
        var up = new HealthTracker(new HealthPolicy(5, 5));
        var down = new HealthTracker(new HealthPolicy(5, 5));

        Assert.Equal(HealthChange.State, up.Record(Ok, T0));
        Assert.Equal(HealthChange.State, down.Record(Bad, T0));

        Assert.Equal((HealthState.Up, HealthState.Down, 0L, 0L), (up.State, down.State, up.Snapshot().Flaps, down.Snapshot().Flaps));
    }

    [Fact]
    public void Record_FallthFailure_IsTheOnlyChange()
    {
        var tracker = new HealthTracker(new HealthPolicy(2, 3));
        tracker.Record(Ok, T0);

        var changes = new[] { Bad, Bad, Bad, Bad }.Select((r, i) => tracker.Record(r, T0.AddSeconds(i + 1))).ToArray();

        Assert.Equal([HealthChange.None, HealthChange.None, HealthChange.State, HealthChange.None], changes);
    }

    [Fact]
    public void Snapshot_AfterGoingDownAndUp_CountsFlapsAndSince()
    {
        var tracker = new HealthTracker(new HealthPolicy(1, 1));

        Feed(tracker, "+-+");

        var snapshot = tracker.Snapshot();
        Assert.Equal((HealthState.Up, 2L, T0.AddSeconds(2), T0.AddSeconds(2)), (snapshot.State, snapshot.Flaps, snapshot.Since, snapshot.LastChecked));
        Assert.Equal(Ok, snapshot.LastResult);
    }

    [Fact]
    public void Record_AgentWeightWhileUp_ChangesWeightAtOnce()
    {
        var tracker = new HealthTracker(new HealthPolicy(3, 3));
        tracker.Record(Ok, T0);

        var half = tracker.Record(ProbeResult.Success("agent: 50%", WeightReport.Percent(50)), T0.AddSeconds(1));
        var same = tracker.Record(ProbeResult.Success("agent: 50%", WeightReport.Percent(50)), T0.AddSeconds(2));
        var back = tracker.Record(Ok, T0.AddSeconds(3));

        Assert.Equal((HealthChange.Weight, HealthChange.None, HealthChange.Weight), (half, same, back));
        Assert.Equal(WeightReport.None, tracker.Weight);
    }

    [Fact]
    public void Record_WeightReportedWhileDown_AppliesWhenItRises()
    {
        var tracker = new HealthTracker(new HealthPolicy(2, 1));
        tracker.Record(Bad, T0);

        var first = tracker.Record(ProbeResult.Success("agent: 25%", WeightReport.Percent(25)), T0.AddSeconds(1));
        var second = tracker.Record(ProbeResult.Success("agent: 25%", WeightReport.Percent(25)), T0.AddSeconds(2));

        Assert.Equal((HealthChange.None, HealthChange.State), (first, second));
        Assert.Equal((HealthState.Up, WeightReport.Percent(25)), (tracker.State, tracker.Weight));
    }
}
