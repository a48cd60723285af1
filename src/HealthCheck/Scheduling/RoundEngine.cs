using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// Runs the rounds of its probes on a thread of its own, in batches (the half-open engine: SYNs in one sendmmsg),
/// instead of the scheduler starting each probe's <c>ProbeAsync</c> on the thread pool. The timing rules stay the
/// scheduler's (<see cref="RoundBook"/>); only who starts and answers an attempt differs.
/// </summary>
public abstract class RoundEngine
{
    /// <summary>A lane for one scheduler's targets whose probes name this engine.</summary>
    internal abstract IRoundLane OpenLane(LaneContext context);

    /// <summary>Runs the lane's passes on the engine's thread from now on, until its pass says it stopped.</summary>
    internal abstract void Attach(IEngineLane lane);

    /// <summary>From any thread: the engine runs its lanes' passes at once (something came due earlier than it sleeps).</summary>
    internal abstract void Wake();
}
