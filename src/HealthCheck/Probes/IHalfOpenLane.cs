namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// Rounds that run on <see cref="HalfOpenEngine"/>'s own thread (the scheduler's half-open targets): the engine
/// calls <see cref="Pass"/> every time it wakes, before it sends and reads, so due SYNs go out in the same
/// sendmmsg batch with no thread-pool hop, timer or Task per probe.
/// </summary>
internal interface IHalfOpenLane
{
    /// <summary>
    /// On the engine's thread: times out what ran out, queues what is due (<see cref="HalfOpenEngine.TryQueue"/>).
    /// </summary>
    /// <param name="wait">How long the engine may sleep before the next pass is due; infinite when none is (or a timer of the lane's own will wake it).</param>
    /// <returns>False once the lane stopped: the engine drops it.</returns>
    bool Pass(out TimeSpan wait);
}
