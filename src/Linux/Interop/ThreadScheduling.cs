namespace HaDirector.Linux.Interop;

/// <summary>
/// Real-time scheduling for the calling thread (sched_setscheduler(2)). A SCHED_FIFO thread runs as soon as it
/// is runnable, ahead of every ordinary (CFS) thread on the machine: a VRRP timer or receive thread woken on a
/// loaded host then runs within microseconds instead of waiting its turn (measured up to 15 ms at load average 20
/// on two cores, enough for a spurious takeover at 20 ms adverts). The kernel's real-time throttling
/// (sched_rt_runtime_us, 95 % by default) still bounds a thread that never blocks.
/// </summary>
public static class ThreadScheduling
{
    public const int SchedOther = 0;
    public const int SchedFifo = 1;

    // Children forked by this thread (health-check helpers) start with the normal policy.
    private const int SchedResetOnFork = 0x40000000;

    /// <summary>
    /// Moves the calling thread to SCHED_FIFO at <paramref name="priority"/> (1-99). Throws
    /// <see cref="LinuxErrorException"/> (EPERM without CAP_SYS_NICE or an RLIMIT_RTPRIO allowance).
    /// </summary>
    public static unsafe void SetRealtime(int priority)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(priority, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(priority, 99);
        var param = priority;
        LinuxError.ThrowIfFailed(Libc.SchedSetScheduler(0, SchedFifo | SchedResetOnFork, &param), $"sched_setscheduler(SCHED_FIFO, {priority})");
    }

    /// <summary>Moves the calling thread back to the normal policy (SCHED_OTHER).</summary>
    public static unsafe void SetNormal()
    {
        var param = 0;
        LinuxError.ThrowIfFailed(Libc.SchedSetScheduler(0, SchedOther, &param), "sched_setscheduler(SCHED_OTHER)");
    }

    /// <summary>The calling thread's policy (<see cref="SchedOther"/>, <see cref="SchedFifo"/>, ...).</summary>
    public static int CurrentPolicy() =>
        LinuxError.ThrowIfFailed(Libc.SchedGetScheduler(0), "sched_getscheduler") & ~SchedResetOnFork;
}
