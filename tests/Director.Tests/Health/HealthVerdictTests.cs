using HaDirector.Director.Configuration;
using HaDirector.Director.Health;
using HaDirector.Director.Ipvs;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.Director.Tests.Health;

public sealed class HealthVerdictTests
{
    public static TheoryData<HealthState, WeightReport, FailureAction, RealServerHealth?> Verdicts => new()
    {
        { HealthState.Unknown, WeightReport.None, FailureAction.Remove, null },
        { HealthState.Up, WeightReport.None, FailureAction.Remove, null },
        { HealthState.Down, WeightReport.None, FailureAction.Remove, RealServerHealth.Removed },
        { HealthState.Down, WeightReport.Percent(50), FailureAction.Inhibit, RealServerHealth.Inhibited },
        { HealthState.Up, WeightReport.Percent(50), FailureAction.Remove, RealServerHealth.WithWeight(4) },
        { HealthState.Up, WeightReport.Percent(0), FailureAction.Remove, RealServerHealth.WithWeight(0) },
        { HealthState.Up, WeightReport.Absolute(70000), FailureAction.Remove, RealServerHealth.WithWeight(65535) },
    };

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void Of_StateAndReportedWeight_GiveTheTableVerdict(HealthState state, WeightReport weight, FailureAction onFailure, RealServerHealth? expected)
    {
        Assert.Equal(expected, HealthVerdict.Of(state, weight, onFailure, configuredWeight: 8));
    }
}
