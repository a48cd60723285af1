using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// The lane of connect targets (<c>type: tcp</c> without send/expect) and plain HTTP ones, run on <see cref="ConnectEngine"/>'s own
/// thread as half-open targets run on theirs: each time the engine wakes, its pass times out what ran out and starts
/// the connects that came due, and the engine's events then answer their rounds inline.
/// </summary>
/// <remarks>
/// Why on the engine's thread: started from the scheduler's timer, each connect cost an async state machine, a
/// cancellation source armed and a SafeHandle (a finalizable object), and its answer a hop through the awaiter:
/// 10–15 µs of user time a check against ~3.4 for a half-open one (docs/benchmarks.md, "Health checks"). At most the
/// scheduler's concurrency limit is in flight: each holds a descriptor until it answers or times out.
/// </remarks>
internal sealed class ConnectRounds(ConnectEngine engine, LaneContext context) : EngineRounds<ConnectRound>(engine, context, context.Limit)
{
    /// <summary>On the engine's thread: the attempt's outcome (its event, a local error, its timeout).</summary>
    public void Complete(ConnectRound round, in ProbeResult result) =>
        Answer(round, result with { Latency = Context.Time.GetElapsedTime(round.Started) });

    protected override ConnectRound CreateRound(HealthTarget target) => target.Probe is HttpProbe http
        ? new HttpRound(target, this, http)
        : new ConnectRound(target, this, ((TcpProbe)target.Probe).Endpoint);

    // On the engine's thread, so no event of it is being handled meanwhile: closed, not reported.
    protected override void Abandon(ConnectRound round)
    {
        engine.Abandon(round);
        (round as HttpRound)?.Abandoned();
    }

    // Passes and events all run on the engine's one thread: the attempt that expired is the current one, and it still
    // holds its descriptor unless its outcome is already on the way (then that outcome answers it).
    protected override void Expire(ConnectRound round, int sequence)
    {
        if (engine.Abandon(round))
        {
            round.Complete(ProbeResult.Failure(ProbeReasons.TimedOut));
        }
    }

    protected override void Begin(ConnectRound round)
    {
        round.Started = Context.Time.GetTimestamp();
        engine.Start(round);
    }
}
