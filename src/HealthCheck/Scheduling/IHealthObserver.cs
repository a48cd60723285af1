using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// Told of every finished round (after retries), on a worker: keep it short and never block. A change of
/// state or weight is flagged so the owner acts only then. Calls for one target never overlap and come in
/// the order the rounds ran: the next round is scheduled only after this returns.
/// </summary>
public interface IHealthObserver
{
    /// <param name="snapshot">The target's state right after this result (<see cref="HealthSnapshot.Results"/> orders them).</param>
    void OnChecked(HealthTarget target, in ProbeResult result, HealthChange change, in HealthSnapshot snapshot);
}
