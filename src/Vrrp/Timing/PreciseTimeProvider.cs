using System.Diagnostics;

namespace HaDirector.Vrrp.Timing;

/// <summary>
/// The real clock, with timers that fire on one dedicated thread at their deadline to within microseconds:
/// the thread sleeps until shortly before the earliest deadline and spins the rest. System timers round to
/// whole milliseconds, fire up to 1 ms early or late, and then wait for a thread-pool thread — each of which
/// is takeover time for a VRRP backup. Callbacks run on the timer thread, so they must be short (sending an
/// advert, a netlink request); long work belongs on <see cref="TimeProvider.System"/>.
/// </summary>
public sealed class PreciseTimeProvider : TimeProvider, IDisposable
{
    /// <summary>
    /// How long before a deadline the thread stops sleeping and starts spinning. Monitor.Wait counts whole
    /// milliseconds, so the sleep is rounded up to them and ends within this window: each firing spins 0-1 ms
    /// (a 2 ms window with truncated waits cost 15 % of a core at 20 ms adverts).
    /// </summary>
    private static readonly long SpinWindow = Stopwatch.Frequency / 1000;

    // A plain object: the timer thread sleeps with Monitor.Wait, which System.Threading.Lock does not offer.
    private readonly object _gate = new();
    private readonly PriorityQueue<(PreciseTimer Timer, long Version), long> _queue = new();
    private readonly Thread _thread;
    private bool _disposed;

    public PreciseTimeProvider()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "hadirector-timers", Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new PreciseTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
    }

    internal void Schedule(PreciseTimer timer, long deadline, long version)
    {
        lock (_gate)
        {
            _queue.Enqueue((timer, version), deadline);
            Monitor.PulseAll(_gate);
        }
    }

    private void Run()
    {
        while (true)
        {
            PreciseTimer timer;
            long deadline;
            long version;
            lock (_gate)
            {
                while (true)
                {
                    if (_disposed)
                    {
                        return;
                    }

                    if (!_queue.TryPeek(out var head, out deadline))
                    {
                        Monitor.Wait(_gate);
                        continue;
                    }

                    if (!head.Timer.IsCurrent(head.Version))
                    {
                        _queue.Dequeue(); // changed or disposed since it was queued
                        continue;
                    }

                    var sleep = deadline - SpinWindow - Stopwatch.GetTimestamp();
                    if (sleep > 0)
                    {
                        // Wakes early when a sooner timer is scheduled (PulseAll).
                        var milliseconds = (int)Math.Min(int.MaxValue, (sleep * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
                        Monitor.Wait(_gate, milliseconds);
                        continue;
                    }

                    (timer, version) = head;
                    break;
                }
            }

            var spin = new SpinWait();
            while (Stopwatch.GetTimestamp() < deadline)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            lock (_gate)
            {
                // Something sooner may have been queued while we spun; only fire what is still the head and current.
                if (!_queue.TryPeek(out var head, out _) || !ReferenceEquals(head.Timer, timer) || head.Version != version)
                {
                    continue;
                }

                _queue.Dequeue();
            }

            timer.Fire(version);
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
            lock (_gate)
            {
                if (_disposed)
                {
                    return false;
                }

                version = ++_version;
                _period = period > TimeSpan.Zero && period != Timeout.InfiniteTimeSpan ? ToTimestamp(period) : 0;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }
            }

            owner.Schedule(this, Stopwatch.GetTimestamp() + ToTimestamp(dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime), version);
            return true;
        }

        public void Fire(long version)
        {
            long next = 0;
            lock (_gate)
            {
                if (_disposed || version != _version)
                {
                    return;
                }

                if (_period > 0)
                {
                    next = Stopwatch.GetTimestamp() + _period;
                }
            }

            if (next > 0)
            {
                owner.Schedule(this, next, version);
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
