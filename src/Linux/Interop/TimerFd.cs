namespace HaDirector.Linux.Interop;

/// <summary>
/// A CLOCK_MONOTONIC timerfd (timerfd_create(2)), one-shot or periodic: armed at an absolute time, a blocking
/// <see cref="Wait"/> returns when it expires. The kernel wakes the reader at the deadline to within
/// microseconds (an hrtimer, no millisecond rounding and no spinning). Another thread may re-arm it while
/// one blocks in <see cref="Wait"/>: the wait then ends at the new time.
/// </summary>
public sealed class TimerFd : IDisposable
{
    private const int ClockMonotonic = 1;
    private const int TfdCloexec = 0x80000;
    private const int TfdTimerAbstime = 1;

    private readonly LinuxFileDescriptor _fd;

    public TimerFd()
    {
        var fd = Libc.TimerFdCreate(ClockMonotonic, TfdCloexec);
        if (fd == -1)
        {
            throw LinuxError.FromLastError("timerfd_create(CLOCK_MONOTONIC)");
        }

        _fd = new LinuxFileDescriptor(fd);
    }

    /// <summary>CLOCK_MONOTONIC now, in nanoseconds: the clock <see cref="ArmAt"/> counts on.</summary>
    public static unsafe long MonotonicNow()
    {
        TimeSpec now;
        LinuxError.ThrowIfFailed(Libc.ClockGetTime(ClockMonotonic, &now), "clock_gettime(CLOCK_MONOTONIC)");
        return now.ToNanoseconds();
    }

    /// <summary>
    /// Arms the timer to expire once at <paramref name="monotonicNanoseconds"/> (CLOCK_MONOTONIC), replacing any
    /// earlier setting; a time already past expires at once.
    /// </summary>
    public void ArmAt(long monotonicNanoseconds) => ArmAt(monotonicNanoseconds, intervalNanoseconds: 0);

    /// <summary>
    /// Arms the timer to expire at <paramref name="monotonicNanoseconds"/> and then every
    /// <paramref name="intervalNanoseconds"/> (it_interval; 0: once), replacing any earlier setting. A periodic timer
    /// costs one timerfd_settime(2) for as long as its period holds, instead of one per expiry; <see cref="Wait"/> counts
    /// the expirations missed meanwhile.
    /// </summary>
    public unsafe void ArmAt(long monotonicNanoseconds, long intervalNanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intervalNanoseconds);
        // An all-zero it_value disarms: a deadline at or before the epoch of the clock means "now".
        var spec = new ITimerSpec
        {
            Value = TimeSpec.FromNanoseconds(Math.Max(monotonicNanoseconds, 1)),
            Interval = TimeSpec.FromNanoseconds(intervalNanoseconds),
        };
        LinuxError.ThrowIfFailed(Libc.TimerFdSetTime(_fd, TfdTimerAbstime, &spec, null), "timerfd_settime");
    }

    /// <summary>Stops the timer; a <see cref="Wait"/> in progress keeps waiting until it is armed again.</summary>
    public unsafe void Disarm()
    {
        var spec = default(ITimerSpec);
        LinuxError.ThrowIfFailed(Libc.TimerFdSetTime(_fd, 0, &spec, null), "timerfd_settime");
    }

    /// <summary>Whether the timer is armed and has not expired yet.</summary>
    public unsafe bool IsArmed
    {
        get
        {
            ITimerSpec current;
            LinuxError.ThrowIfFailed(Libc.TimerFdGetTime(_fd, &current), "timerfd_gettime");
            return current.Value.Seconds != 0 || current.Value.Nanoseconds != 0;
        }
    }

    /// <summary>Blocks until the timer expires (at once if it already has); returns the expirations since the last wait.</summary>
    public unsafe ulong Wait()
    {
        ulong expirations;
        while (true)
        {
            var read = Libc.Read(_fd, &expirations, sizeof(ulong));
            if (read == sizeof(ulong))
            {
                return expirations;
            }

            if (read == -1 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Errno.EINTR)
            {
                continue;
            }

            throw LinuxError.FromLastError("read(timerfd)");
        }
    }

    public void Dispose() => _fd.Dispose();
}
