using System.Diagnostics;
using HaDirector.Vrrp.Timing;

namespace HaDirector.Vrrp.Tests.Timing;

public class PreciseTimeProviderTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void CreateTimer_DueTime_FiresOnceNeverBeforeTheDeadline()
    {
        using var time = new PreciseTimeProvider();
        using var fired = new ManualResetEventSlim();
        var start = Stopwatch.GetTimestamp();
        long firedAt = 0;

        using var timer = time.CreateTimer(_ =>
        {
            firedAt = Stopwatch.GetTimestamp();
            fired.Set();
        }, null, TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);

        Assert.True(fired.Wait(Bound));
        Assert.True(Stopwatch.GetElapsedTime(start, firedAt) >= TimeSpan.FromMilliseconds(30));
    }

    [Fact]
    public void Change_ToInfinite_CancelsAPendingFiring()
    {
        using var time = new PreciseTimeProvider();
        using var barrier = new ManualResetEventSlim();
        var cancelledFired = false;

        using var cancelled = time.CreateTimer(_ => cancelledFired = true, null, TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
        cancelled.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        // One thread fires in deadline order: once the later timer has fired, the cancelled one would have too.
        using var later = time.CreateTimer(_ => barrier.Set(), null, TimeSpan.FromMilliseconds(60), Timeout.InfiniteTimeSpan);

        Assert.True(barrier.Wait(Bound));
        Assert.False(cancelledFired);
    }

    [Fact]
    public void Change_Rescheduled_FiresOnlyForTheLatestSetting()
    {
        using var time = new PreciseTimeProvider();
        using var done = new ManualResetEventSlim();
        var firings = 0;

        using var timer = time.CreateTimer(_ => Interlocked.Increment(ref firings), null, TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
        timer.Change(TimeSpan.FromMilliseconds(40), Timeout.InfiniteTimeSpan);
        using var after = time.CreateTimer(_ => done.Set(), null, TimeSpan.FromMilliseconds(80), Timeout.InfiniteTimeSpan);

        Assert.True(done.Wait(Bound));
        Assert.Equal(1, firings);
    }

    [Fact]
    public void CreateTimer_WithPeriod_KeepsFiringUntilDisposed()
    {
        using var time = new PreciseTimeProvider();
        using var timer = new CountingTimer(time, TimeSpan.FromMilliseconds(5), 3);

        Assert.True(timer.Reached.Wait(Bound));
        timer.Timer.Dispose();
        var afterDispose = timer.Firings;
        using var barrier = new ManualResetEventSlim();
        using var later = time.CreateTimer(_ => barrier.Set(), null, TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);
        Assert.True(barrier.Wait(Bound));
        Assert.InRange(timer.Firings, afterDispose, afterDispose + 1); // at most one already in flight
    }

    [Fact]
    public void CreateTimer_WithPeriod_SetsTheTimerfdOnceNotPerFiring()
    {
        // A steady master's Adver_Timer: a timerfd_settime(2) per advert was a third of its syscalls.
        using var time = new PreciseTimeProvider();
        var armingsBefore = time.Armings;

        using var timer = new CountingTimer(time, TimeSpan.FromMilliseconds(10), 20);

        Assert.True(timer.Reached.Wait(Bound));
        // One setting; a wake-up late by a whole period (a loaded host) starts the grid again, with one more each.
        Assert.InRange(time.Armings - armingsBefore, 1, 10);
    }

    [Fact]
    public void CreateTimer_WithPeriod_FiresOnItsGridWithoutDrift()
    {
        using var time = new PreciseTimeProvider();
        var start = Stopwatch.GetTimestamp();

        using var timer = new CountingTimer(time, TimeSpan.FromMilliseconds(10), 10);

        Assert.True(timer.Reached.Wait(Bound));
        // Never early: each firing one period after the previous one was due, so the tenth is due at 100 ms.
        Assert.True(Stopwatch.GetElapsedTime(start, timer.ReachedAt) >= TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Dispose_PeriodicTimer_TheThreadStopsWaking()
    {
        using var time = new PreciseTimeProvider();
        using var timer = new CountingTimer(time, TimeSpan.FromMilliseconds(5), 3);
        Assert.True(timer.Reached.Wait(Bound));

        var atDispose = time.Wakeups;
        timer.Timer.Dispose();
        // The thread may wake once more for the next expiry of the old setting, find nothing to fire, and disarm; or
        // it finds the queue empty before it waits again and disarms at once (no wake-up at all).
        SpinWait.SpinUntil(() => time.Wakeups > atDispose, TimeSpan.FromMilliseconds(50));
        var after = time.Wakeups;
        Thread.Sleep(100);

        // Without that, a wake-up every 5 ms for nothing: 20 in this sleep.
        Assert.InRange(time.Wakeups - after, 0, 1);
    }

    [Fact]
    public void Timers_ScheduledOutOfOrder_FireInDeadlineOrder()
    {
        using var time = new PreciseTimeProvider();
        using var done = new CountdownEvent(3);
        var order = new System.Collections.Concurrent.ConcurrentQueue<int>();

        ITimer Make(int id, int ms) => time.CreateTimer(_ =>
        {
            order.Enqueue(id);
            done.Signal();
        }, null, TimeSpan.FromMilliseconds(ms), Timeout.InfiniteTimeSpan);

        using var third = Make(3, 90);
        using var first = Make(1, 30);
        using var second = Make(2, 60);

        Assert.True(done.Wait(Bound));
        Assert.Equal([1, 2, 3], order.ToArray());
    }

    [Fact]
    public void CreateTimer_SoonerThanTheArmedDeadline_FiresWithoutWaitingForIt()
    {
        using var time = new PreciseTimeProvider();
        using var fired = new ManualResetEventSlim();
        var farFired = false;

        // The thread is blocked on an hour-long deadline; a sooner timer must re-arm it.
        using var far = time.CreateTimer(_ => farFired = true, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        using var soon = time.CreateTimer(_ => fired.Set(), null, TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);

        Assert.True(fired.Wait(Bound));
        Assert.False(farFired);
    }

    [Fact]
    public void Change_ToSooner_ReArmsAndFiresOnce()
    {
        using var time = new PreciseTimeProvider();
        using var fired = new ManualResetEventSlim();
        var firings = 0;

        using var timer = time.CreateTimer(_ =>
        {
            Interlocked.Increment(ref firings);
            fired.Set();
        }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        Assert.True(fired.Wait(Bound));
        // Deadline order: once a later barrier fires, no second firing of the old setting is pending any more.
        using var barrier = new ManualResetEventSlim();
        using var later = time.CreateTimer(_ => barrier.Set(), null, TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
        Assert.True(barrier.Wait(Bound));
        Assert.Equal(1, Volatile.Read(ref firings));
    }

    [Fact]
    public void Callback_CanScheduleAnotherTimer()
    {
        using var time = new PreciseTimeProvider();
        using var second = new ManualResetEventSlim();
        ITimer? next = null;

        using var first = time.CreateTimer(_ => next = time.CreateTimer(_ => second.Set(), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan),
            null, TimeSpan.FromMilliseconds(5), Timeout.InfiniteTimeSpan);

        Assert.True(second.Wait(Bound));
        next?.Dispose();
    }

    [Fact]
    public void Dispose_StopsTheThread_PendingTimersNeverFire()
    {
        var time = new PreciseTimeProvider();
        var fired = false;
        using var timer = time.CreateTimer(_ => fired = true, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);

        time.Dispose(); // joins the timer thread: returns only once it has stopped

        Assert.False(fired);
        Assert.True(timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan)); // accepted, but nothing runs it any more
        Assert.False(fired);
        time.Dispose(); // idempotent
    }

    [Fact]
    public void Dispose_FromACallback_DoesNotDeadlock()
    {
        var time = new PreciseTimeProvider();
        using var disposed = new ManualResetEventSlim();
        using var timer = time.CreateTimer(_ =>
        {
            time.Dispose();
            disposed.Set();
        }, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        Assert.True(disposed.Wait(Bound));
    }

    [Fact]
    public void RealtimePriority_GrantedOrExplained()
    {
        using var time = new PreciseTimeProvider(realtimePriority: 1);

        // Root (or CAP_SYS_NICE) gets SCHED_FIFO; anyone else gets the reason, and the timers still work.
        Assert.True(time.IsRealtime ? time.RealtimePriority == 1 && time.RealtimeError is null : time.RealtimeError is not null);
        using var fired = new ManualResetEventSlim();
        using var timer = time.CreateTimer(_ => fired.Set(), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        Assert.True(fired.Wait(Bound));
    }

    /// <summary>A periodic timer that counts its firings and says when the <c>n</c>-th came (on the Stopwatch).</summary>
    private sealed class CountingTimer : IDisposable
    {
        private int _firings;

        public CountingTimer(TimeProvider time, TimeSpan period, int n) =>
            Timer = time.CreateTimer(_ =>
            {
                if (Interlocked.Increment(ref _firings) == n)
                {
                    ReachedAt = Stopwatch.GetTimestamp();
                    Reached.Set();
                }
            }, null, period, period);

        public ITimer Timer { get; }

        public ManualResetEventSlim Reached { get; } = new();

        public long ReachedAt { get; private set; }

        public int Firings => Volatile.Read(ref _firings);

        public void Dispose()
        {
            Timer.Dispose();
            Reached.Dispose();
        }
    }
}
