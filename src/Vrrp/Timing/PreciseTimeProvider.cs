using System.Diagnostics;
using HaDirector.Linux.Interop;

namespace HaDirector.Vrrp.Timing;

/// <summary>
/// The real clock, with timers that fire on one dedicated thread at their deadline to within microseconds:
/// the thread blocks in read(2) on a CLOCK_MONOTONIC timerfd armed at the earliest deadline, which the kernel
/// wakes on time (an hrtimer) with no spinning. System timers round to whole milliseconds, fire up to 1 ms
/// early or late, and then wait for a thread-pool thread — each of which is takeover time for a VRRP backup.
/// Scheduling a timer sooner than the armed deadline re-arms the timerfd from the scheduling thread, which
/// moves the blocked read's wake-up. A periodic timer at the head keeps its period in the timerfd (it_interval) and
/// fires on its own grid (each firing one period after the previous one was due), so a steady master's Adver_Timer
/// costs one timerfd_settime(2) when its schedule changes, not one per advert. Callbacks run on the timer thread, so
/// they must be short (sending an advert, a netlink request); long work belongs on <see cref="TimeProvider.System"/>.
/// </summary>
public sealed class PreciseTimeProvider : TimeProvider, IDisposable
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<(PreciseTimer Timer, long Version, long Period), long> _queue = new();
    private readonly TimerFd _timerFd = new();
    private readonly Thread _thread;
    // Stopwatch timestamps → CLOCK_MONOTONIC nanoseconds (.NET reads the same clock on Linux; measured, not assumed).
    private readonly double _nanosecondsPerTick = 1e9 / Stopwatch.Frequency;
    private readonly long _monotonicOffset;
    // The timerfd's programme in Stopwatch ticks: its next expiry (MaxValue: none) and its period (0: one-shot).
    private long _armed = long.MaxValue;
    private long _armedPeriod;
    private long _armings;
    private long _wakeups;
    private bool _disposed;

    /// <summary>Timers on a thread with the normal scheduling policy.</summary>
    public PreciseTimeProvider()
        : this(realtimePriority: null)
    {
    }

    /// <param name="realtimePriority">When set (1-99), the timer thread asks for SCHED_FIFO at this priority, so a loaded
    /// host does not delay its wake-up (see <see cref="ThreadScheduling"/>); <see cref="IsRealtime"/> says whether the
    /// kernel agreed (it needs CAP_SYS_NICE), <see cref="RealtimeError"/> why not.</param>
    public PreciseTimeProvider(int? realtimePriority)
    {
        var before = Stopwatch.GetTimestamp();
        var monotonic = TimerFd.MonotonicNow();
        // The later stopwatch reading makes the offset at most the true one: a deadline may be armed a few hundred
        // nanoseconds early, never late, and an early wake-up just re-arms.
        var after = Stopwatch.GetTimestamp();
        _monotonicOffset = monotonic - (long)(Math.Max(before, after) * _nanosecondsPerTick);
        using var started = new ManualResetEventSlim();
        _thread = new Thread(() =>
        {
            if (realtimePriority is { } priority)
            {
                try
                {
                    ThreadScheduling.SetRealtime(priority);
                    RealtimePriority = priority;
                }
                catch (LinuxErrorException ex)
                {
                    RealtimeError = ex.Message;
                }
            }

            started.Set();
            Run();
        })
        { IsBackground = true, Name = "hadirector-timers" };
        _thread.Start();
        started.Wait();
    }

    /// <summary>Whether the timer thread runs with real-time scheduling (SCHED_FIFO).</summary>
    public bool IsRealtime => RealtimePriority is not null;

    /// <summary>The SCHED_FIFO priority the timer thread got; null when it runs with the normal policy.</summary>
    public int? RealtimePriority { get; private set; }

    /// <summary>Why real-time scheduling was refused, when it was asked for and refused.</summary>
    public string? RealtimeError { get; private set; }

    /// <summary>How many times the timer thread woke from the timerfd since start.</summary>
    public long Wakeups => Interlocked.Read(ref _wakeups);

    /// <summary>How many times the timerfd was set (timerfd_settime(2)) since start: what a periodic timer saves.</summary>
    public long Armings
    {
        get
        {
            lock (_gate)
            {
                return _armings;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new PreciseTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Stops the timer thread; pending timers never fire. Waits for a callback in progress unless called from one.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _queue.Clear();
            _timerFd.ArmAt(0); // wakes the thread, which sees _disposed and returns
        }

        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _timerFd.Dispose();
    }

    internal void Schedule(PreciseTimer timer, long deadline, long version, long period)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _queue.Enqueue((timer, version, period), deadline);
            if (deadline < _armed)
            {
                ArmLocked(deadline, period);
            }
        }
    }

    private void ArmLocked(long deadline, long period)
    {
        _armed = deadline;
        _armedPeriod = period;
        _armings++;
        _timerFd.ArmAt((long)(deadline * _nanosecondsPerTick) + _monotonicOffset, (long)(period * _nanosecondsPerTick));
    }

    /// <summary>
    /// After a wake-up: the expiry the timerfd was armed for is taken as consumed by the read, and a periodic programme
    /// goes on at its next expiry after now. Wrong only when another thread set it again meanwhile for a time still
    /// ahead, and then the loop merely sets the timerfd once more. The reverse mistake would lose a deadline: the
    /// expiry of a setting made by another thread while the read waited can look a few hundred nanoseconds ahead of
    /// the Stopwatch on waking (see the constructor), and believing it still pending left the thread waiting on a
    /// timerfd that had already fired (PreciseTimeProviderTests.Change_ToSooner_ReArmsAndFiresOnce, about 1 run in 6).
    /// </summary>
    private void AfterWakeLocked()
    {
        if (_armed == long.MaxValue)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();

        if (_armedPeriod == 0)
        {
            _armed = long.MaxValue; // a one-shot timerfd that has expired is no longer armed
            return;
        }

        // Its expiry can look a few hundred nanoseconds ahead of the Stopwatch (see the constructor): still one consumed.
        var periods = _armed <= now ? ((now - _armed) / _armedPeriod) + 1 : 1;
        _armed += periods * _armedPeriod;
    }

    private void Run()
    {
        while (true)
        {
            PreciseTimer? timer = null;
            long version = 0;
            long due = 0;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                while (_queue.TryPeek(out var head, out var deadline))
                {
                    if (!head.Timer.IsCurrent(head.Version))
                    {
                        _queue.Dequeue(); // changed or disposed since it was queued
                        continue;
                    }

                    if (deadline <= Stopwatch.GetTimestamp())
                    {
                        _queue.Dequeue();
                        (timer, version, _) = head;
                        due = deadline;
                    }
                    else if (deadline != _armed)
                    {
                        ArmLocked(deadline, head.Period);
                    }

                    break;
                }

                if (timer is null && _queue.Count == 0 && _armedPeriod > 0)
                {
                    // A periodic programme would wake this thread every period for nothing. (A one-shot one left for a
                    // dropped entry costs one spurious wake-up, cheaper than a settime now.)
                    _armings++;
                    _timerFd.Disarm();
                    _armed = long.MaxValue;
                    _armedPeriod = 0;
                }
                else if (timer is null && _queue.Count == 0)
                {
                    _armed = long.MaxValue;
                }

            }

            if (timer is not null)
            {
                timer.Fire(version, due);
                continue;
            }

            _timerFd.Wait();
            Interlocked.Increment(ref _wakeups);
            TakeoverTrace.Mark("timer-wake");
            lock (_gate)
            {
                AfterWakeLocked();
            }
        }
    }

    /// <summary>One timer of <see cref="PreciseTimeProvider"/>; every Change bumps its version, so queued firings of an older setting are ignored.</summary>
    internal sealed class PreciseTimer(PreciseTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private readonly Lock _gate = new();
        private long _version;
        private long _period;
        private bool _disposed;

        public bool IsCurrent(long version)
        {
            lock (_gate)
            {
                return !_disposed && version == _version;
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            long version;
            long periodTicks;
            lock (_gate)
            {
                if (_disposed)
                {
                    return false;
                }

                version = ++_version;
                _period = periodTicks = period > TimeSpan.Zero && period != Timeout.InfiniteTimeSpan ? ToTimestamp(period) : 0;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }
            }

            owner.Schedule(this, Stopwatch.GetTimestamp() + ToTimestamp(dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime), version, periodTicks);
            return true;
        }

        /// <summary>Runs the callback for the firing due at <paramref name="due"/>; a periodic timer is queued again first.</summary>
        public void Fire(long version, long due)
        {
            long next = 0;
            long period;
            lock (_gate)
            {
                if (_disposed || version != _version)
                {
                    return;
                }

                period = _period;
                if (period > 0)
                {
                    // On its grid: one period after this firing was due, not after it ran, so the timerfd's own period
                    // (set once) serves every firing. After a stall of a whole period it starts again from now: one
                    // late firing, not a burst to catch up.
                    var now = Stopwatch.GetTimestamp();
                    next = due + period > now ? due + period : now + period;
                }
            }

            if (next > 0)
            {
                owner.Schedule(this, next, version, period);
            }

            callback(state);
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private static long ToTimestamp(TimeSpan span) => (long)(span.Ticks * (double)Stopwatch.Frequency / TimeSpan.TicksPerSecond);
    }
}
