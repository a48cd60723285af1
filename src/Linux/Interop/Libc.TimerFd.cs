using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

public static partial class Libc
{
    /// <summary>timerfd_create(2). Returns the descriptor or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "timerfd_create", SetLastError = true)]
    public static partial int TimerFdCreate(int clockId, int flags);

    /// <summary>timerfd_settime(2); <paramref name="oldValue"/> may be null.</summary>
    [LibraryImport("libc", EntryPoint = "timerfd_settime", SetLastError = true)]
    public static unsafe partial int TimerFdSetTime(SafeHandle fd, int flags, ITimerSpec* newValue, ITimerSpec* oldValue);

    /// <summary>timerfd_gettime(2).</summary>
    [LibraryImport("libc", EntryPoint = "timerfd_gettime", SetLastError = true)]
    public static unsafe partial int TimerFdGetTime(SafeHandle fd, ITimerSpec* currValue);

    /// <summary>read(2). Returns the byte count or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static unsafe partial nint Read(SafeHandle fd, void* buffer, nuint count);

    /// <summary>clock_gettime(2).</summary>
    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    public static unsafe partial int ClockGetTime(int clockId, TimeSpec* value);

    /// <summary>close(2).</summary>
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}

/// <summary>struct timespec on 64-bit Linux: seconds and nanoseconds, both 64-bit.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TimeSpec
{
    public long Seconds;
    public long Nanoseconds;

    public static TimeSpec FromNanoseconds(long nanoseconds) =>
        new() { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };

    public readonly long ToNanoseconds() => (Seconds * 1_000_000_000) + Nanoseconds;
}

/// <summary>struct itimerspec: the interval, then the first expiry.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ITimerSpec
{
    public TimeSpec Interval;
    public TimeSpec Value;
}
