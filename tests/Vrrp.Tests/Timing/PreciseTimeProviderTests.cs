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
        using var third = new ManualResetEventSlim();
        var firings = 0;

        var timer = time.CreateTimer(_ =>
        {
            if (Interlocked.Increment(ref firings) == 3)
            {
                third.Set();
            }
        }, null, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5));

        Assert.True(third.Wait(Bound));
        timer.Dispose();
        var afterDispose = Volatile.Read(ref firings);
        using var barrier = new ManualResetEventSlim();
        using var later = time.CreateTimer(_ => barrier.Set(), null, TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);
        Assert.True(barrier.Wait(Bound));
        Assert.InRange(Volatile.Read(ref firings), afterDispose, afterDispose + 1); // at most one already in flight
    }
}
