namespace HaDirector.Vrrp.Tests.Election;

/// <summary>
/// Fake time that allocates nothing while it runs: <see cref="Advance"/> moves the clock and fires, on the caller's
/// thread and in deadline order, every timer that comes due. For tests that count the bytes the code under test
/// allocates (<see cref="GC.GetAllocatedBytesForCurrentThread"/>), where FakeTimeProvider's own per-firing objects
/// would be counted too.
/// </summary>
internal sealed class SteppingTimeProvider : TimeProvider
{
    private readonly List<SteppingTimer> _timers = [];
    private long _now = TimeSpan.TicksPerDay;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>How many times a timer was set (created or changed): what a real timer pays a syscall for.</summary>
    public int Changes { get; private set; }

    public override long GetTimestamp() => _now;

    public override DateTimeOffset GetUtcNow() => new(_now, TimeSpan.Zero);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SteppingTimer(this, callback, state);
        _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        var end = _now + by.Ticks;
        while (Earliest(end) is { } due)
        {
            _now = Math.Max(_now, due.Due);
            due.Fire();
        }

        _now = end;
    }

    private SteppingTimer? Earliest(long end)
    {
        SteppingTimer? earliest = null;
        for (var i = 0; i < _timers.Count; i++)
        {
            var timer = _timers[i];
            if (timer.Due <= end && (earliest is null || timer.Due < earliest.Due))
            {
                earliest = timer;
            }
        }

        return earliest;
    }

    private sealed class SteppingTimer(SteppingTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long Due { get; private set; } = long.MaxValue;

        private long _period;

        public void Fire()
        {
            Due = _period > 0 ? Due + _period : long.MaxValue;
            callback(state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Changes++;
            Due = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : owner._now + Math.Max(0, dueTime.Ticks);
            _period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            return true;
        }

        public void Dispose()
        {
            Due = long.MaxValue;
            owner._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
