using System.Net;
using System.Runtime.InteropServices;
using HaDirector.Linux.Interop;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// TCP connect checks on one epoll loop of their own, as keepalived's checker runs them: a non-blocking
/// <c>connect</c>, the descriptor added to epoll (EPOLLOUT, one-shot), and on the event <c>SO_ERROR</c> read,
/// a reset close and the result handed back on this loop's thread. Made by the daemon's composition root and
/// disposed with it: the loop's thread then ends.
/// </summary>
/// <remarks>
/// Not <see cref="System.Net.Sockets.Socket"/>: its epoll thread queues every completion to the thread pool, so
/// each check would wake a worker and go through its async machinery; here a batch of connects started by one
/// scheduler pass comes back from one <c>epoll_wait</c>, and the awaiting code (the scheduler's report) runs
/// inline: it must stay short and never block. Each operation owns its descriptor until exactly one of
/// completion or cancellation claims it (a compare-and-swap); events carry the operation's id, never reused, so
/// an event already in flight when a timeout closed the descriptor (whose number the kernel may hand out
/// again) is dropped.
/// </remarks>
public sealed unsafe class ConnectEngine : IDisposable
{
    private const int BatchSize = 256;

    // The wake-up's epoll cookie: operation ids start at 1.
    private const long StopCookie = 0;

    private readonly Dictionary<long, ConnectOperation> _pending = [];
    private readonly Lock _gate = new();
    private readonly Epoll _epoll = new();
    private readonly EventFd _stop = new();
    private readonly EngineThread _loop;
    private long _nextId;
    private volatile bool _disposed;

    public ConnectEngine()
    {
        _epoll.Add(_stop.Handle, Libc.EpollIn, StopCookie);
        _loop = new EngineThread("health connect", Loop);
    }

    /// <summary>Connects in flight: each is claimed once, by its event or its timeout, and then forgotten.</summary>
    internal int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Never throws: refused, unreachable, a timeout (the token) and local errors are down results.</summary>
    public ValueTask<ProbeResult> ConnectAsync(ProbeEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested || _disposed)
        {
            return ValueTask.FromResult(ProbeResult.Failure(_disposed ? ProbeReasons.Stopped : ProbeReasons.TimedOut));
        }

        var fd = new LinuxFileDescriptor(Libc.Socket(SockAddrInet.Family(endpoint.Target.Address), Libc.SockStream | Libc.SockNonBlock | Libc.SockCloExec, 0));
        if (fd.IsInvalid)
        {
            return Fail(fd);
        }

        var address = stackalloc byte[SockAddrInet.MaxLength];
        if (endpoint.Source is { } source)
        {
            var sourceLength = SockAddrInet.Write(new IPEndPoint(source, 0), new Span<byte>(address, SockAddrInet.MaxLength));
            if (Libc.Bind(fd, address, sourceLength) < 0)
            {
                return Fail(fd);
            }
        }

        var length = SockAddrInet.Write(endpoint.Target, new Span<byte>(address, SockAddrInet.MaxLength));
        if (Libc.Connect(fd, address, length) == 0)
        {
            return ValueTask.FromResult(Connected(fd));
        }

        if (Marshal.GetLastPInvokeError() != Errno.EINPROGRESS)
        {
            return Fail(fd);
        }

        var operation = new ConnectOperation(this, fd, Interlocked.Increment(ref _nextId));
        lock (_gate)
        {
            _pending.Add(operation.Id, operation);
        }

        if (_epoll.TryAdd(fd, Libc.EpollOut | Libc.EpollOneShot, operation.Id) < 0)
        {
            operation.Complete(ConnectErrors.Reason(Marshal.GetLastPInvokeError()));
        }
        else if (cancellationToken.CanBeCanceled)
        {
            // After the add: cancelled already, the callback runs here and now.
            operation.Registration = cancellationToken.UnsafeRegister(static o => ((ConnectOperation)o!).Complete(ProbeReasons.TimedOut), operation);
        }

        return operation.Task;
    }

    /// <summary>Ends the loop's thread; connects still in flight are abandoned as stopped.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Signal();
        _loop.Join(Release);
    }

    private void Release()
    {
        ConnectOperation[] abandoned;
        lock (_gate)
        {
            abandoned = [.. _pending.Values];
        }

        foreach (var operation in abandoned)
        {
            operation.Complete(ProbeReasons.Stopped);
        }

        _epoll.Dispose();
        _stop.Dispose();
    }

    internal void Forget(long id)
    {
        lock (_gate)
        {
            _pending.Remove(id);
        }
    }

    /// <summary>The connect finished: up with a reset close (the conversation is over), or the kernel's error.</summary>
    internal static ProbeResult Finish(LinuxFileDescriptor fd)
    {
        int error;
        var size = (uint)sizeof(int);
        if (Libc.GetSockOpt(fd, Libc.SolSocket, Libc.SoError, &error, &size) < 0)
        {
            error = Marshal.GetLastPInvokeError();
        }

        if (error == 0)
        {
            return Connected(fd);
        }

        fd.Dispose();
        return ProbeResult.Failure(ConnectErrors.Reason(error));
    }

    /// <summary>Closes with a reset (SO_LINGER on, 0 s): no FIN exchange, no TIME_WAIT; see <see cref="ProbeSocket.ResetOnClose"/>.</summary>
    internal static void Abort(LinuxFileDescriptor fd)
    {
        var linger = stackalloc int[2] { 1, 0 };
        _ = Libc.SetSockOpt(fd, Libc.SolSocket, Libc.SoLinger, linger, 2 * sizeof(int));
        fd.Dispose();
    }

    private static ProbeResult Connected(LinuxFileDescriptor fd)
    {
        Abort(fd);
        return ProbeResult.Success(ProbeReasons.Connected);
    }

    private static ValueTask<ProbeResult> Fail(LinuxFileDescriptor fd)
    {
        var error = Marshal.GetLastPInvokeError();
        fd.Dispose();
        return ValueTask.FromResult(ProbeResult.Failure(ConnectErrors.Reason(error)));
    }

    private void Loop()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(BatchSize * Libc.EpollEventSize));
        try
        {
            while (!_disposed)
            {
                var n = _epoll.Wait(events, BatchSize, -1);
                for (var i = 0; i < n; i++)
                {
                    var id = Epoll.Cookie(events, i);
                    ConnectOperation? operation;
                    lock (_gate)
                    {
                        _pending.TryGetValue(id, out operation);
                    }

                    // Absent: a timeout claimed it between the event and now (and closed the descriptor), or the stop's wake-up.
                    operation?.Complete(failure: null);
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }
}
