using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// The lane of probes the scheduler starts itself (<see cref="IProbe.ProbeAsync"/>; every kind but the half-open
/// SYN and the plain connect). Passes run on one timer of the scheduler's clock; each starts the due probes inline, up
/// to their first await (a non-blocking connect), since a hand-off per probe to a worker would wake a thread-pool
/// thread per check. A timeout cancels the probe's token: the probe then answers, down, as it returns.
/// </summary>
internal sealed class ProbeRounds(LaneContext context) : RoundLane<ProbeRound>(context, context.Limit, timed: true)
{
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;

    /// <summary>Probes in flight now (never above the concurrency limit).</summary>
    public int Running => Volatile.Read(ref _running);

    public override Task StopAsync()
    {
        MarkStopping();
        foreach (ProbeRound round in TakeInFlight())
        {
            round.Cancel();
        }

        if (Volatile.Read(ref _running) == 0)
        {
            _idle.TrySetResult();
        }

        return _idle.Task;
    }

    protected override ProbeRound CreateRound(HealthTarget target) => new(target);

    protected override void Begin(ProbeRound round)
    {
        Interlocked.Increment(ref _running);
        _ = RunAsync(round);
    }

    protected override void Expire(ProbeRound round, int sequence) => round.Expire(sequence);

    protected override void Wake() => FireTimerNow();

    // The first pass at once, on the caller's thread: it arms the timer for the first round before Start returns.
    protected override void OnStart() => Pass();

    protected override void OnTimer() => Pass();

    private async Task RunAsync(ProbeRound round)
    {
        var time = Context.Time;
        // Begin runs right after the pass took this attempt: its sequence cannot move before the attempt answers.
        var token = round.Arm(round.Sequence);
        var started = time.GetTimestamp();
        ProbeResult result;
        try
        {
            result = await round.Target.Probe.ProbeAsync(token);
        }
        catch (Exception e)
        {
            // IProbe promises not to throw; a probe that does anyway is a down result, never a dead lane.
            result = ProbeFailure.From(e, token);
        }

        try
        {
            Answer(round, result with { Latency = time.GetElapsedTime(started) });
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0 && Stopping)
            {
                _idle.TrySetResult();
            }
        }
    }
}
