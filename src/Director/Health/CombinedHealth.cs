using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.Director.Health;

/// <summary>
/// A real server's health from its checks' (keepalived: every checker must pass): down as soon as one is down,
/// up once all are, unknown (the configured weight) while some have not decided and none is down.
/// </summary>
public static class CombinedHealth
{
    public static HealthState State(ReadOnlySpan<HealthSnapshot> checks)
    {
        var allUp = true;
        foreach (var check in checks)
        {
            if (check.State == HealthState.Down)
            {
                return HealthState.Down;
            }

            allUp &= check.State == HealthState.Up;
        }

        return allUp ? HealthState.Up : HealthState.Unknown;
    }

    /// <summary>The lowest weight any check reports (applied to the configured one), as the report that asks for it; none if none does.</summary>
    public static WeightReport Weight(ReadOnlySpan<HealthSnapshot> checks, int configuredWeight)
    {
        var lowest = WeightReport.None;
        foreach (var check in checks)
        {
            if (check.Weight.Kind != WeightKind.None
                && (lowest.Kind == WeightKind.None || check.Weight.Apply(configuredWeight) < lowest.Apply(configuredWeight)))
            {
                lowest = check.Weight;
            }
        }

        return lowest;
    }
}
