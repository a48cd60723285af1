using Microsoft.Extensions.Time.Testing;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>
/// A <see cref="FakeTimeProvider"/> whose timers truncate due times to whole milliseconds, as the
/// system timer does, so they fire up to 1 ms early. Counts the firings and stops a spinning caller.
/// </summary>
internal sealed class MillisecondTimerTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    public int Firings { get; private set; }

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TruncatingTimer(inner.CreateTimer(s => Fire(callback, s), state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        timer.Change(dueTime, period);
        return timer;
    }

    private void Fire(TimerCallback callback, object? state)
    {
        if (++Firings > 100)
        {
            throw new InvalidOperationException("The timer keeps firing at the same instant: the caller is spinning.");
        }

        callback(state);
    }

    private sealed class TruncatingTimer(ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) =>
            inner.Change(dueTime == Timeout.InfiniteTimeSpan ? dueTime : TimeSpan.FromMilliseconds(Math.Floor(dueTime.TotalMilliseconds)), period);

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
