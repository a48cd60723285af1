using HaDirector.Director.Health;
using HaDirector.Director.Ipvs;

namespace HaDirector.Director.Control;

/// <summary>The health checker's snapshot in status's terms.</summary>
public sealed class HealthServiceView(HealthService health) : IHealthView
{
    public IReadOnlyDictionary<RealServerId, RealServerHealthView> Snapshot()
    {
        var result = new Dictionary<RealServerId, RealServerHealthView>();
        foreach (var s in health.Snapshot())
        {
            result[s.Id] = new RealServerHealthView(
                Name(s.State),
                Result(s.LastResultUp),
                s.Reason,
                s.Latency?.TotalMilliseconds,
                s.Since,
                s.Flaps,
                s.Weight,
                [.. s.Checks.Select(c => new CheckHealthView(c.Check, Name(c.State), Result(c.LastResultUp), c.Reason, c.Latency?.TotalMilliseconds, c.Since))]);
        }

        return result;
    }

    private static string Name(HaDirector.HealthCheck.Policy.HealthState state) => state.ToString().ToLowerInvariant();

    private static string? Result(bool? up) => up switch { true => "up", false => "down", null => null };
}
