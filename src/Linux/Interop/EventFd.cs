namespace HaDirector.Linux.Interop;

/// <summary>
/// A non-blocking eventfd(2): <see cref="Signal"/> from any thread wakes a loop that waits for it in an
/// <see cref="Epoll"/>; the loop takes the count with <see cref="Reset"/>.
/// </summary>
public sealed unsafe class EventFd : IDisposable
{
    public EventFd() =>
        Handle = new LinuxFileDescriptor(LinuxError.ThrowIfFailed(Libc.EventFd(0, Libc.EfdNonBlock | Libc.EfdCloExec), "eventfd"));

    /// <summary>For <see cref="Epoll.Add"/>.</summary>
    public LinuxFileDescriptor Handle { get; }

    /// <summary>
    /// Adds one to the counter. Cannot fail short of a counter at 2^64 - 2, so the result is not checked. After
    /// <see cref="Dispose"/> it does nothing: nobody waits any more, and a late waker (a scheduler stopping while the
    /// host disposes its engine) must not turn a clean stop into an unhandled ObjectDisposedException.
    /// </summary>
    public void Signal()
    {
        try
        {
            _ = Libc.EventFdWrite(Handle, 1);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Takes the counter back to zero (EAGAIN when it already was: nothing to do).</summary>
    public void Reset()
    {
        ulong count;
        _ = Libc.EventFdRead(Handle, &count);
    }

    public void Dispose() => Handle.Dispose();
}
