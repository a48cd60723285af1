using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// A lane run on an engine's own thread (<see cref="IEngineLane"/>): each time the engine wakes, its pass times out
/// what ran out and starts what came due, and the answers the engine then hears report their rounds inline.
/// </summary>
/// <remarks>
/// With the system clock the engine sleeps in epoll_wait until the next pass; with any other clock (tests' fake one)
/// the lane's timer of that clock wakes it instead. A stop is carried out by the engine's next pass, so no answer is
/// being handled while the attempts in flight are abandoned.
/// </remarks>
internal abstract class EngineRounds<TRound>(RoundEngine engine, LaneContext context, int limit)
    : RoundLane<TRound>(context, limit, timed: context.Time != TimeProvider.System), IEngineLane
    where TRound : ScheduledRound
{
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task StopAsync()
    {
        var attached = Started;
        MarkStopping();
        if (!attached)
        {
            _stopped.TrySetResult();
        }

        engine.Wake();
        return _stopped.Task;
    }

    bool IEngineLane.Pass(out TimeSpan wait)
    {
        if (Stopping)
        {
            foreach (TRound round in TakeInFlight())
            {
                Abandon(round);
            }

            _stopped.TrySetResult();
            wait = Timeout.InfiniteTimeSpan;
            return false;
        }

        wait = Pass();
        return true;
    }

    /// <summary>On the engine's thread, after a stop: releases the attempt's resources; nothing is reported.</summary>
    protected abstract void Abandon(TRound round);

    protected override void OnStart() => engine.Attach(this);

    protected override void Wake() => engine.Wake();
}
