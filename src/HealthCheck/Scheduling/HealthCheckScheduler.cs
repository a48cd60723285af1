using System.Threading.Channels;
using HaDirector.HealthCheck.Probes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// Runs every target's checks from one timer and a fixed set of async workers: a priority queue ordered by
/// due time, one <see cref="ITimer"/> armed for the earliest, and at most <c>maxConcurrency</c> probes in
/// flight. No thread or timer per target, so ten thousand targets cost ten thousand queue entries.
/// </summary>
public sealed partial class HealthCheckScheduler : IAsyncDisposable
{
    private readonly TimeProvider time;
    private readonly IHealthObserver observer;
    private readonly ILogger logger;
    private readonly Random random;
    private readonly int maxConcurrency;
    private readonly long epoch;
    private readonly PriorityQueue<HealthTarget, TimeSpan> queue = new();
    private readonly Channel<HealthTarget> ready = Channel.CreateUnbounded<HealthTarget>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<Task> workers = [];
    private ITimer? timer;
    private TimeSpan armedFor = TimeSpan.MaxValue;
    private int count;
    private int running;
    private int busy;

    /// <param name="random">Spreads first checks over one interval; pass a seeded one in tests.</param>
    public HealthCheckScheduler(TimeProvider time, IHealthObserver observer, int maxConcurrency = 1024, Random? random = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
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

    /// <summary>Rounds handed to the workers and not yet finished and rescheduled: 0 when all waits on the timer.</summary>
    public int InProgress => Volatile.Read(ref busy);

    public void Start()
    {
        lock (gate)
        {
            if (timer is not null)
            {
                return;
            }

            timer = time.CreateTimer(static s => ((HealthCheckScheduler)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            for (var i = 0; i < maxConcurrency; i++)
            {
                workers.Add(Task.Run(WorkAsync));
            }

            ArmLocked(Now);
        }
    }

    /// <summary>
    /// First check at a random point within one interval, so a thousand targets added together do not fire
    /// together. A target is added once; after <see cref="Remove"/>, make a new one.
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
            EnqueueLocked(target, Now + target.Timing.Interval * random.NextDouble());
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

    public async Task StopAsync()
    {
        lock (gate)
        {
            timer?.Dispose();
            timer = null;
        }

        await stopping.CancelAsync();
        ready.Writer.TryComplete();
        await Task.WhenAll(workers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stopping.Dispose();
    }

    private TimeSpan Now => time.GetElapsedTime(epoch);

    private void EnqueueLocked(HealthTarget target, TimeSpan due)
    {
        queue.Enqueue(target, due);
        if (due < armedFor)
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

        if (!queue.TryPeek(out _, out var due))
        {
            armedFor = TimeSpan.MaxValue;
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        armedFor = due;
        timer.Change(due > now ? due - now : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (gate)
        {
            var now = Now;
            while (queue.TryPeek(out var target, out var due) && due <= now)
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
                    target.RoundStart = due;
                }

                Interlocked.Increment(ref busy);
                ready.Writer.TryWrite(target);
            }

            ArmLocked(now);
        }
    }

    private async Task WorkAsync()
    {
        using var runner = new ProbeRunner(time);
        var reader = ready.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stopping.Token))
            {
                while (reader.TryRead(out var target))
                {
                    try
                    {
                        await RunAsync(runner, target);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref busy);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async ValueTask RunAsync(ProbeRunner runner, HealthTarget target)
    {
        Interlocked.Increment(ref running);
        ProbeResult result;
        try
        {
            result = await runner.RunAsync(target.Probe, target.Timing.Timeout, stopping.Token);
        }
        finally
        {
            Interlocked.Decrement(ref running);
        }

        if (stopping.IsCancellationRequested || target.Removed)
        {
            return;
        }

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
        var change = target.Record(result, time.GetUtcNow());
        lock (gate)
        {
            if (!target.Removed)
            {
                // A round that overran its interval (retries) starts the next one at once rather than skipping ahead.
                var now = Now;
                var next = target.RoundStart + timing.Interval;
                EnqueueLocked(target, next > now ? next : now);
            }
        }

        try
        {
            observer.OnChecked(target, result, change);
        }
        catch (Exception e)
        {
            LogObserverFailed(logger, target.Name, e);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "health observer failed for {Target}")]
    private static partial void LogObserverFailed(ILogger logger, string target, Exception error);
}
