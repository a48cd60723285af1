using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Tests.Probes;

public sealed class WeightReportTests
{
    [Theory]
    [InlineData(WeightKind.None, 0, 10, 10)]
    [InlineData(WeightKind.Percent, 50, 10, 5)]
    [InlineData(WeightKind.Percent, 50, 3, 2)]
    [InlineData(WeightKind.Percent, 1, 1, 1)]
    [InlineData(WeightKind.Percent, 0, 10, 0)]
    [InlineData(WeightKind.Percent, 200, 10, 20)]
    [InlineData(WeightKind.Absolute, 7, 10, 7)]
    public void Apply_ToConfiguredWeight_GivesTheWeightToUse(WeightKind kind, int value, int configured, int expected)
    {
        Assert.Equal(expected, new WeightReport(kind, value).Apply(configured));
    }
}
