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
                s.State.ToString().ToLowerInvariant(),
                s.LastResultUp switch { true => "up", false => "down", null => null },
                s.Reason,
                s.Latency?.TotalMilliseconds,
                s.Since,
                s.Flaps,
                s.Weight);
        }

        return result;
    }
}
