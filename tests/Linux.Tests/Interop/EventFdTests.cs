using HaDirector.Linux.Interop;

namespace HaDirector.Linux.Tests.Interop;

public sealed class EventFdTests
{
    [Fact]
    public unsafe void Signal_WakesAnEpollWaiter_ResetTakesTheCountBack()
    {
        using var wake = new EventFd();
        using var epoll = new Epoll();
        epoll.Add(wake.Handle, Libc.EpollIn, 7);
        var events = stackalloc byte[Libc.EpollEventSize];

        wake.Signal();
        Assert.Equal(1, epoll.Wait(events, 1, 0));
        Assert.Equal(7, Epoll.Cookie(events, 0));
        wake.Reset();
        Assert.Equal(0, epoll.Wait(events, 1, 0));
    }

    [Fact]
    public void Signal_AfterDispose_DoesNothing()
    {
        // A scheduler stopping while the host disposes its engine woke a disposed eventfd, and SIGTERM ended in
        // "FTL hadirector stopped: Cannot access a disposed object" (reload-mutants' stop, issue 17).
        var wake = new EventFd();
        wake.Dispose();

        wake.Signal();
    }
}
