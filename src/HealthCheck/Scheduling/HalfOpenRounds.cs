using HaDirector.HealthCheck.Probes;
using Microsoft.Extensions.Logging;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// A scheduler's half-open targets, run on <see cref="HalfOpenEngine"/>'s own thread: each time the engine wakes,
/// its pass times out what ran out and queues the SYNs that came due into the engine's sendmmsg batch, and the
/// replies the engine then reads finish their rounds inline (policy, observer, next round). No thread-pool hop,
/// Task, timeout timer or allocation per check.
/// </summary>
/// <remarks>
/// Why: through <see cref="HealthCheckScheduler"/>'s timer every 10 ms tick woke a thread-pool worker that
/// started the probes and then spun in sched_yield; at ten thousand targets the workers took a third of the
/// checker's CPU (perf: 31 % of the samples, two thirds of them in the scheduler's context switches). With the
/// system clock the engine sleeps in epoll_wait until the next pass; with any other clock (tests' fake one) a
/// timer of that clock wakes it instead.
/// </remarks>
internal sealed class HalfOpenRounds : IHalfOpenLane
{
    private readonly HalfOpenEngine engine;
    private readonly TimeProvider time;
    private readonly IHealthObserver observer;
    private readonly ILogger logger;
    private readonly TimeSpan resolution;
    private readonly long epoch;
    private readonly RoundBook book = new();
    private readonly Lock gate = new();
    private readonly List<ScheduledRound> start = [];
    private readonly List<ScheduledRound> expired = [];
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer? timer;
    private TimeSpan armedFor = TimeSpan.MaxValue;
    private TimeSpan lastPass = TimeSpan.MinValue;
    private bool attached;
    private bool stopping;

    /// <param name="epoch">The scheduler's: due times given to <see cref="Add"/> count from it.</param>
    public HalfOpenRounds(HalfOpenEngine engine, TimeProvider time, IHealthObserver observer, ILogger logger, TimeSpan resolution, long epoch)
    {
        this.engine = engine;
        this.time = time;
        this.observer = observer;
        this.logger = logger;
        this.resolution = resolution;
        this.epoch = epoch;
        if (time != TimeProvider.System)
        {
            timer = time.CreateTimer(static s => ((HalfOpenRounds)s!).engine.Wake(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Rounds sent or being reported: 0 when every target waits for its next round.</summary>
    public int InProgress
    {
        get
        {
            lock (gate)
            {
                return book.InProgress;
            }
        }
    }

    private TimeSpan Now => time.GetElapsedTime(epoch);

    /// <summary>The target's first round is due at <paramref name="at"/> (the scheduler's time).</summary>
    public void Add(HealthTarget target, HalfOpenProbe probe, TimeSpan at)
    {
        var round = new HalfOpenRound(target, this, probe.Endpoint);
        lock (gate)
        {
            book.Add(round, at);
        }

        WakeIfEarlier();
    }

    /// <summary>The engine runs this lane's passes from now on.</summary>
    public void Start()
    {
        lock (gate)
        {
            if (attached || stopping)
            {
                return;
            }

            attached = true;
        }

        engine.Attach(this);
    }

    /// <summary>No round starts or is reported after this; completes once the engine dropped the lane and its SYNs in flight.</summary>
    public Task StopAsync()
    {
        lock (gate)
        {
            stopping = true;
            if (!attached)
            {
                stopped.TrySetResult();
            }
        }

        timer?.Dispose();
        engine.Wake();
        return stopped.Task;
    }

    bool IHalfOpenLane.Pass(out TimeSpan wait)
    {
        var now = Now;
        bool stop;
        lock (gate)
        {
            stop = stopping;
            if (stop)
            {
                book.TakeInFlight(expired);
            }
            else
            {
                // Nothing wakes the engine while it is here: the pass ends by arming for whatever came due meanwhile.
                armedFor = TimeSpan.MinValue;
                lastPass = now;
                book.TakeExpired(now, expired);
                book.TakeDue(now, start);
            }
        }

        if (stop)
        {
            foreach (HalfOpenRound round in expired)
            {
                if (round.TryAbandon())
                {
                    engine.Forget(round);
                }
            }

            expired.Clear();
            stopped.TrySetResult();
            wait = Timeout.InfiniteTimeSpan;
            return false;
        }

        foreach (HalfOpenRound round in expired)
        {
            round.Complete(ProbeResult.Failure(ProbeReasons.TimedOut));
        }

        expired.Clear();
        foreach (HalfOpenRound round in start)
        {
            Send(round);
        }

        start.Clear();
        wait = Arm();
        return true;
    }

    /// <summary>On the engine's thread: the attempt's answer (a reply, its timeout, a send error).</summary>
    public void Answer(HalfOpenRound round, ProbeResult result)
    {
        engine.Forget(round);
        result = result with { Latency = time.GetElapsedTime(round.Started) };
        if (!result.Up)
        {
            round.ForgetSource();
        }

        bool report;
        lock (gate)
        {
            report = book.Finish(round, result.Up, Now);
        }

        if (!report)
        {
            WakeIfEarlier();
            return;
        }

        var target = round.Target;
        try
        {
            if (!Volatile.Read(ref stopping) && !target.Removed)
            {
                var change = target.Record(result, time.GetUtcNow(), out var snapshot);
                observer.OnChecked(target, result, change, snapshot);
            }
        }
        catch (Exception e)
        {
            HealthCheckScheduler.LogObserverFailed(logger, target.Name, e);
        }
        finally
        {
            // Only after the report, as the scheduler does: one round per target from start to report.
            lock (gate)
            {
                book.Done(round, Now);
            }

            WakeIfEarlier();
        }
    }

    private void Send(HalfOpenRound round)
    {
        round.Arm();
        round.Started = time.GetTimestamp();
        if (!round.Ipv4)
        {
            round.Complete(ProbeResult.Failure(ProbeReasons.Ipv4Only));
            return;
        }

        try
        {
            round.ResolveSource();
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

    /// <summary>The next pass: when the book's next round or deadline comes, but not sooner than one resolution after the last.</summary>
    private TimeSpan Arm()
    {
        TimeSpan next;
        lock (gate)
        {
            next = book.NextWake;
            var earliest = lastPass + resolution;
            if (next < earliest)
            {
                next = earliest;
            }

            armedFor = next;
        }

        if (next == TimeSpan.MaxValue)
        {
            timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return Timeout.InfiniteTimeSpan;
        }

        if (timer is null)
        {
            var now = Now;
            return next > now ? next - now : TimeSpan.Zero;
        }

        ArmTimer(timer, next);
        return Timeout.InfiniteTimeSpan;
    }

    /// <summary>
    /// A timer takes a relative time: if the clock moved between reading it and arming (a test's fake clock moves
    /// on any thread), the timer would fire that much late, so it is armed again until the clock stood still.
    /// </summary>
    private void ArmTimer(ITimer timer, TimeSpan next)
    {
        while (true)
        {
            var now = Now;
            if (next <= now)
            {
                // Already due: a fake clock's timer would wait for its next move.
                engine.Wake();
                return;
            }

            timer.Change(next - now, Timeout.InfiniteTimeSpan);
            if (Now == now)
            {
                return;
            }
        }
    }

    /// <summary>Something was queued before the engine's next pass (a new target, a retry): that pass comes now.</summary>
    private void WakeIfEarlier()
    {
        bool wake;
        lock (gate)
        {
            var next = book.NextWake;
            wake = attached && !stopping && armedFor != TimeSpan.MinValue && next < armedFor;
            if (wake)
            {
                armedFor = next;
            }
        }

        if (wake)
        {
            engine.Wake();
        }
    }
}
