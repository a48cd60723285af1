using HaDirector.Vrrp.Tracking;

namespace HaDirector.Vrrp.Tests.Tracking;

public sealed class TrackingPolicyTests
{
    private static readonly TrackerReading Up = TrackerReading.Healthy;
    private static readonly TrackerReading Down = TrackerReading.Failing;

    public static TheoryData<string, byte, TrackedBy[], byte, string[]> Cases => new()
    {
        { "no trackers", 100, [], 100, [] },
        { "negative weight, up", 100, [new("proxy", -60, Up)], 100, [] },
        { "negative weight, failing", 100, [new("proxy", -60, Down)], 40, [] },
        { "positive weight, up", 100, [new("proxy", 20, Up)], 120, [] },
        { "positive weight, failing", 100, [new("proxy", 20, Down)], 100, [] },
        { "weights add up", 100, [new("a", -30, Down), new("b", -20, Down), new("c", 10, Up)], 60, [] },
        { "clamped to 1", 50, [new("proxy", -60, Down)], 1, [] },
        { "clamped to 254", 240, [new("proxy", 60, Up)], 254, [] },
        { "owner keeps 255 when failing", 255, [new("proxy", -60, Down)], 255, [] },
        { "owner keeps 255 when up", 255, [new("proxy", 60, Up)], 255, [] },
        { "no weight, up", 100, [new("uplink", null, Up)], 100, [] },
        { "no weight, failing: Fault", 100, [new("uplink", null, Down)], 100, ["uplink"] },
        { "fault and weight together", 100, [new("uplink", null, Down), new("proxy", -60, Down)], 40, ["uplink"] },
        { "owner faults too", 255, [new("uplink", null, Down)], 255, ["uplink"] },
        { "file, no weight, zero", 100, [new("maint", null, TrackerReading.Holding(0))], 100, [] },
        { "file, no weight, non-zero: Fault", 100, [new("maint", null, TrackerReading.Holding(1))], 100, ["maint"] },
        { "file, value times weight", 100, [new("maint", 5, TrackerReading.Holding(-4))], 80, [] },
        { "file, positive product", 100, [new("maint", 2, TrackerReading.Holding(10))], 120, [] },
        { "file, product below -253: Fault", 100, [new("maint", -1, TrackerReading.Holding(254))], 100, ["maint"] },
        { "file, product -253 is a weight", 254, [new("maint", -1, TrackerReading.Holding(253))], 1, [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_Readings_EffectivePriorityAndFault(string because, byte basePriority, TrackedBy[] trackers, byte priority, string[] faultedBy)
    {
        var verdict = TrackingPolicy.Evaluate(basePriority, trackers);

        Assert.True(priority == verdict.Priority, $"{because}: priority {verdict.Priority}, expected {priority}");
        Assert.Equal(faultedBy, verdict.FaultedBy);
        Assert.Equal(faultedBy.Length > 0, verdict.Fault);
    }
}
