using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// The lane of half-open targets, run on <see cref="HalfOpenEngine"/>'s own thread: each time the engine wakes,
/// its pass times out what ran out and queues the SYNs that came due into the engine's sendmmsg batch, and the
/// replies the engine then reads answer their rounds inline.
/// </summary>
/// <remarks>
/// Why on the engine's thread: a timer tick per 10 ms that woke a thread-pool worker to start ten thousand SYNs a
/// second cost a third of the checker's CPU (docs/benchmarks.md, "Health checks").
/// </remarks>
internal sealed class HalfOpenRounds(HalfOpenEngine engine, LaneContext context) : EngineRounds<HalfOpenRound>(engine, context, int.MaxValue)
{
    /// <summary>On the engine's thread: the attempt's answer (a reply, its timeout, a send error).</summary>
    public void Complete(HalfOpenRound round, ProbeResult result)
    {
        engine.Forget(round);
        round.Answered(result, Now);

        Answer(round, result with { Latency = Context.Time.GetElapsedTime(round.Started) });
    }

    protected override HalfOpenRound CreateRound(HealthTarget target) => new(target, this, ((HalfOpenProbe)target.Probe).Endpoint);

    // On the engine's thread, so no reply for it is being matched meanwhile.
    protected override void Abandon(HalfOpenRound round)
    {
        if (round.TryAbandon())
        {
            engine.Forget(round);
        }
    }

    // Passes, replies and sends all run on the engine's one thread: the attempt that expired is the current one.
    protected override void Expire(HalfOpenRound round, int sequence) => round.Complete(ProbeResult.Failure(ProbeReasons.TimedOut));

    protected override void Begin(HalfOpenRound round)
    {
        round.Arm();
        round.Started = Context.Time.GetTimestamp();
        if (!round.Ipv4 && !engine.HasIpv6)
        {
            round.Complete(ProbeResult.Failure(ProbeReasons.NoIpv6));
            return;
        }

        try
        {
            round.ResolveSource(Now);
        }
        catch (Exception e)
        {
            round.Complete(ProbeFailure.From(e, CancellationToken.None));
            return;
        }

        if (!engine.TryQueue(round))
        {
            round.Complete(ProbeResult.Failure(ProbeReasons.NoSourcePort));
        }
    }
}
