using HaDirector.HealthCheck.Probes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// Runs every target's checks from one timer: a priority queue ordered by due time, one <see cref="ITimer"/>
/// armed for the earliest, and at most <c>maxConcurrency</c> probes in flight (the rest wait in order).
/// No thread, task loop or timer per target, so ten thousand targets cost ten thousand queue entries.
/// </summary>
/// <remarks>
/// The timer callback starts due probes itself, up to their first await (a non-blocking connect), instead
/// of handing them to worker tasks: each hand-off was a thread-pool wake-up, and at ten thousand checks a
/// second context switches cost more than the checks (perf: half the CPU in <c>finish_task_switch</c>).
/// </remarks>
public sealed partial class HealthCheckScheduler : IAsyncDisposable
{
    private readonly TimeProvider time;
    private readonly IHealthObserver observer;
    private readonly ILogger logger;
    private readonly Random random;
    private readonly int maxConcurrency;
    private readonly TimeSpan resolution;
    private readonly long epoch;
    private readonly PriorityQueue<HealthTarget, TimeSpan> queue = new();
    private readonly Queue<HealthTarget> waiting = new();
    private readonly Stack<ProbeRunner> runners = new();
    private readonly List<HealthTarget> due = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly TaskCompletionSource idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();
    private ITimer? timer;
    private HalfOpenRounds? halfOpen;
    private bool halfOpenUnavailable;
    private TimeSpan armedFor = TimeSpan.MaxValue;
    private TimeSpan lastFired = TimeSpan.MinValue;
    private bool stopped;
    private int count;
    private int running;
    private int busy;

    /// <param name="random">Spreads first checks over one interval; pass a seeded one in tests.</param>
    /// <param name="resolution">
    /// The timer fires at most this often (default 10 ms) and then starts every round that came due: with ten
    /// thousand targets at random offsets it would otherwise fire ten thousand times a second, each a
    /// thread-pool hop and a timer re-arm. A round starts up to this much late; its schedule does not drift.
    /// </param>
    public HealthCheckScheduler(
        TimeProvider time, IHealthObserver observer, int maxConcurrency = 1024, Random? random = null, ILogger? logger = null, TimeSpan? resolution = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        this.resolution = resolution ?? TimeSpan.FromMilliseconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThan(this.resolution, TimeSpan.Zero);
        this.time = time;
        this.observer = observer;
        this.maxConcurrency = maxConcurrency;
        this.random = random ?? Random.Shared;
        this.logger = logger ?? NullLogger.Instance;
        epoch = time.GetTimestamp();
    }

    /// <summary>Targets scheduled now.</summary>
    public int Count => Volatile.Read(ref count);

    /// <summary>Probes in flight now (never above the concurrency limit).</summary>
    public int Running => Volatile.Read(ref running);

    /// <summary>Rounds that came due and are not yet finished and rescheduled: 0 when all wait on the timer.</summary>
    public int InProgress => Volatile.Read(ref busy) + (Volatile.Read(ref halfOpen)?.InProgress ?? 0);

    public void Start()
    {
        lock (gate)
        {
            if (timer is not null || stopped)
            {
                return;
            }

            timer = time.CreateTimer(static s => ((HealthCheckScheduler)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            ArmLocked(Now);
            halfOpen?.Start();
        }
    }

    /// <summary>
    /// First check at a random point within one interval, so a thousand targets added together do not fire
    /// together. A target is added once; after <see cref="Remove"/>, make a new one. Half-open targets run on the
    /// half-open engine's thread (<see cref="HalfOpenRounds"/>), by the same rules.
    /// </summary>
    public void Add(HealthTarget target)
    {
        lock (gate)
        {
            if (target.Added)
            {
                throw new InvalidOperationException($"{target} was already added to a scheduler");
            }

            target.Added = true;
            Interlocked.Increment(ref count);
            var at = Now + target.Timing.Interval * random.NextDouble();
            if (target.Probe is HalfOpenProbe probe && HalfOpenLocked() is { } lane)
            {
                lane.Add(target, probe, at);
            }
            else
            {
                EnqueueLocked(target, at);
            }
        }
    }

    /// <summary>The target's queue entry is dropped when it comes due; a round in flight finishes unreported.</summary>
    public void Remove(HealthTarget target)
    {
        lock (gate)
        {
            if (!target.Removed)
            {
                target.Removed = true;
                Interlocked.Decrement(ref count);
            }
        }
    }

    /// <summary>Stops the timer, cancels probes in flight and waits for them to return. Safe to call twice.</summary>
    public async Task StopAsync()
    {
        bool first;
        lock (gate)
        {
            first = !stopped;
            stopped = true;
            timer?.Dispose();
            timer = null;
            busy -= waiting.Count;
            waiting.Clear();
            if (busy == 0)
            {
                idle.TrySetResult();
            }
        }

        if (first)
        {
            await stopping.CancelAsync();
        }

        if (Volatile.Read(ref halfOpen) is { } lane)
        {
            await lane.StopAsync();
        }

        await idle.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stopping.Dispose();
        lock (gate)
        {
            while (runners.TryPop(out var runner))
            {
                runner.Dispose();
            }
        }
    }

    private TimeSpan Now => time.GetElapsedTime(epoch);

    /// <summary>The half-open lane, made with the first half-open target; null without the engine (no CAP_NET_RAW): each probe then reports why.</summary>
    private HalfOpenRounds? HalfOpenLocked()
    {
        if (halfOpen is null && !halfOpenUnavailable && !stopped)
        {
            try
            {
                Volatile.Write(ref halfOpen, new HalfOpenRounds(HalfOpenEngine.Shared, time, observer, logger, resolution, epoch));
                if (timer is not null)
                {
                    halfOpen.Start();
                }
            }
            catch (Exception)
            {
                halfOpenUnavailable = true;
            }
        }

        return halfOpen;
    }

    private void EnqueueLocked(HealthTarget target, TimeSpan at)
    {
        queue.Enqueue(target, at);
        if (at < armedFor)
        {
            ArmLocked(Now);
        }
    }

    private void ArmLocked(TimeSpan now)
    {
        if (timer is null)
        {
            armedFor = TimeSpan.MaxValue;
            return;
        }

        if (!queue.TryPeek(out _, out var next))
        {
            armedFor = TimeSpan.MaxValue;
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var at = next > lastFired + resolution ? next : lastFired + resolution;
        armedFor = at;
        timer.Change(at > now ? at - now : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        HealthTarget[] start;
        lock (gate)
        {
            var now = Now;
            lastFired = now;
            while (queue.TryPeek(out var target, out var at) && at <= now)
            {
                queue.Dequeue();
                if (target.Removed)
                {
                    continue;
                }

                if (target.Attempt == 0)
                {
                    // Rounds keep their grid: the next one is due an interval after this one was due, not
                    // after the timer happened to fire or the probe finished.
                    target.RoundStart = at;
                }

                busy++;
                if (running < maxConcurrency)
                {
                    running++;
                    due.Add(target);
                }
                else
                {
                    waiting.Enqueue(target);
                }
            }

            ArmLocked(now);
            start = [.. due];
            due.Clear();
        }

        // Outside the lock: each runs synchronously up to its first await (a connect syscall, or all of a
        // probe that fails at once), and completions need the lock to reschedule.
        foreach (var target in start)
        {
            _ = RunAsync(target);
        }
    }

    private async Task RunAsync(HealthTarget target)
    {
        ProbeRunner? runner;
        lock (gate)
        {
            runner = runners.TryPop(out var pooled) ? pooled : null;
        }

        runner ??= new ProbeRunner(time);
        try
        {
            var result = await runner.RunAsync(target.Probe, target.Timing.Timeout, stopping.Token);
            if (!stopping.IsCancellationRequested && !target.Removed)
            {
                Report(target, result);
            }
        }
        catch (Exception e)
        {
            LogObserverFailed(logger, target.Name, e);
        }
        finally
        {
            Finish(runner);
        }
    }

    private void Report(HealthTarget target, in ProbeResult result)
    {
        var timing = target.Timing;
        if (!result.Up && target.Attempt < timing.Retry)
        {
            target.Attempt++;
            lock (gate)
            {
                EnqueueLocked(target, Now + timing.RetryDelay);
            }

            return;
        }

        target.Attempt = 0;
        var change = target.Record(result, time.GetUtcNow(), out var snapshot);
        try
        {
            observer.OnChecked(target, result, change, snapshot);
        }
        finally
        {
            // Only now: scheduled before the observer ran, the next round of a target whose round overran (a
            // timeout, retries) came due at once, could finish first, and its newer verdict was then
            // overwritten by this older one (found by the lab). One round per target from start to report.
            lock (gate)
            {
                if (!target.Removed)
                {
                    // A round that overran its interval starts the next one at once rather than skipping ahead.
                    var now = Now;
                    var next = target.RoundStart + timing.Interval;
                    EnqueueLocked(target, next > now ? next : now);
                }
            }
        }
    }

    /// <summary>Frees the concurrency slot: the longest-waiting due round takes it.</summary>
    private void Finish(ProbeRunner runner)
    {
        HealthTarget? next = null;
        lock (gate)
        {
            runners.Push(runner);
            busy--;
            if (!stopped && waiting.TryDequeue(out next))
            {
                // The slot passes on: running stays the same.
            }
            else
            {
                running--;
            }

            if (busy == 0 && stopped)
            {
                idle.TrySetResult();
            }
        }

        if (next is not null)
        {
            _ = RunAsync(next);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "health check round failed for {Target}")]
    internal static partial void LogObserverFailed(ILogger logger, string target, Exception error);
}
