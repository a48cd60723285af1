using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// Told of every finished round (after retries), on a worker: keep it short and never block. A change of
/// state or weight is flagged so the owner acts only then.
/// </summary>
public interface IHealthObserver
{
    void OnChecked(HealthTarget target, in ProbeResult result, HealthChange change);
}
