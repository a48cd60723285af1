namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// Rounds that run on an engine's own thread (the scheduler's half-open and connect targets): the engine calls
/// <see cref="Pass"/> every time it wakes, so due attempts start there (SYNs in the wake's sendmmsg batch, connects
/// added to the engine's epoll) with no thread-pool hop, timer or Task per check.
/// </summary>
internal interface IEngineLane
{
    /// <summary>On the engine's thread: times out what ran out, starts what is due.</summary>
    /// <param name="wait">How long the engine may sleep before the next pass is due; infinite when none is (or a timer of the lane's own will wake it).</param>
    /// <returns>False once the lane stopped: the engine drops it.</returns>
    bool Pass(out TimeSpan wait);
}
