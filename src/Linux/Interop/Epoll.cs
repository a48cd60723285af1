using System.Runtime.InteropServices;

namespace HaDirector.Linux.Interop;

/// <summary>
/// An epoll instance (epoll_create1(2), close-on-exec) whose events carry a 64-bit cookie of the caller's choice.
/// Events are read as bytes through <see cref="Cookie"/> and <see cref="Events"/>: struct epoll_event is packed on
/// x86-64 and aligned elsewhere (<see cref="Libc.EpollEventSize"/>).
/// </summary>
public sealed unsafe class Epoll : IDisposable
{
    private readonly LinuxFileDescriptor _fd;

    public Epoll() => _fd = new LinuxFileDescriptor(LinuxError.ThrowIfFailed(Libc.EpollCreate1(Libc.EpollCloExec), "epoll_create1"));

    /// <summary>Watches <paramref name="target"/> for <paramref name="events"/>; throws <see cref="LinuxErrorException"/>.</summary>
    public void Add(SafeHandle target, uint events, long cookie) =>
        LinuxError.ThrowIfFailed(TryAdd(target, events, cookie), "epoll_ctl(EPOLL_CTL_ADD)");

    /// <summary>As <see cref="Add"/>, but returns -1 with errno set instead of throwing (a hot path that turns errno into a result).</summary>
    public int TryAdd(SafeHandle target, uint events, long cookie)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(long*)(ev + Libc.EpollDataOffset) = cookie;
        return Libc.EpollCtl(_fd, Libc.EpollCtlAdd, target, ev);
    }

    /// <summary>As <see cref="TryAdd(SafeHandle, uint, long)"/>, for a plain descriptor its owner closes itself.</summary>
    public int TryAdd(int target, uint events, long cookie)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(long*)(ev + Libc.EpollDataOffset) = cookie;
        return Libc.EpollCtl(_fd, Libc.EpollCtlAdd, target, ev);
    }

    /// <summary>
    /// epoll_wait(2) into <paramref name="events"/> (room for <paramref name="capacity"/> events of
    /// <see cref="Libc.EpollEventSize"/> bytes); -1 blocks. Returns the events ready, 0 on a timeout or a signal (EINTR).
    /// </summary>
    public int Wait(byte* events, int capacity, int timeoutMilliseconds)
    {
        var n = Libc.EpollWait(_fd, events, capacity, timeoutMilliseconds);
        return n >= 0 || Marshal.GetLastPInvokeError() == Errno.EINTR ? Math.Max(n, 0) : throw LinuxError.FromLastError("epoll_wait");
    }

    /// <summary>The cookie of the <paramref name="index"/>-th event that <see cref="Wait"/> returned.</summary>
    public static long Cookie(byte* events, int index) => *(long*)(events + (index * Libc.EpollEventSize) + Libc.EpollDataOffset);

    /// <summary>The event flags (EPOLLOUT, EPOLLERR, ...) of the <paramref name="index"/>-th event that <see cref="Wait"/> returned.</summary>
    public static uint Events(byte* events, int index) => *(uint*)(events + (index * Libc.EpollEventSize));

    public void Dispose() => _fd.Dispose();
}
