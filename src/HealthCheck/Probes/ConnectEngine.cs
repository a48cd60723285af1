using System.Net;
using System.Runtime.InteropServices;
using HaDirector.Linux.Interop;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// TCP connect checks on one epoll loop of their own, as keepalived's checker runs them: a non-blocking
/// <c>connect</c>, the descriptor added to epoll (EPOLLOUT, one-shot), and on the event <c>SO_ERROR</c> read,
/// a reset close and the result handed back on this loop's thread.
/// </summary>
/// <remarks>
/// Not <see cref="System.Net.Sockets.Socket"/>: its epoll thread queues every completion to the thread pool,
/// so each check woke a worker (futex, spinning, a context switch) and went through its async machinery;
/// at 10,000 checks a second that was a third of the checker's CPU beside the kernel's own TCP work.
/// Here a batch of connects started by one scheduler tick comes back from one <c>epoll_wait</c>, and the
/// awaiting code (the scheduler's report) runs inline: it must stay short and never block.
/// Each operation owns its descriptor until exactly one of completion or cancellation claims it (a
/// compare-and-swap); events carry the operation's id, never reused, so an event that was already
/// in flight when a timeout closed the descriptor (whose number the kernel may hand out again) is dropped.
/// </remarks>
public sealed unsafe class ConnectEngine
{
    private const int BatchSize = 256;

    private static readonly Lazy<ConnectEngine> SharedEngine = new(() => new ConnectEngine());

    private readonly Dictionary<long, ConnectOperation> pending = [];
    private readonly Lock gate = new();
    private readonly int epoll;
    private long nextId;

    private ConnectEngine()
    {
        epoll = Libc.EpollCreate1(Libc.EpollCloExec);
        if (epoll < 0)
        {
            throw new IOException("epoll_create1 failed: " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }

        new Thread(Loop) { IsBackground = true, Name = "health connect" }.Start();
    }

    /// <summary>The process's one loop, started on first use; it lives as long as the process.</summary>
    public static ConnectEngine Shared => SharedEngine.Value;

    /// <summary>Connects in flight: each is claimed once, by its event or its timeout, and then forgotten.</summary>
    internal int Pending
    {
        get
        {
            lock (gate)
            {
                return pending.Count;
            }
        }
    }

    /// <summary>Never throws: refused, unreachable, a timeout (the token) and local errors are down results.</summary>
    public ValueTask<ProbeResult> ConnectAsync(ProbeEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromResult(ProbeResult.Failure(ProbeReasons.TimedOut));
        }

        var fd = Libc.Socket(SockAddrInet.Family(endpoint.Target.Address), Libc.SockStream | Libc.SockNonBlock | Libc.SockCloExec, 0);
        if (fd < 0)
        {
            return ValueTask.FromResult(ProbeResult.Failure(ConnectErrors.Reason(Marshal.GetLastPInvokeError())));
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

        var error = Marshal.GetLastPInvokeError();
        if (error != Errno.EINPROGRESS)
        {
            _ = Libc.Close(fd);
            return ValueTask.FromResult(ProbeResult.Failure(ConnectErrors.Reason(error)));
        }

        var operation = new ConnectOperation(this, fd, Interlocked.Increment(ref nextId));
        lock (gate)
        {
            pending.Add(operation.Id, operation);
        }

        var ev = stackalloc byte[16];
        *(uint*)ev = Libc.EpollOut | Libc.EpollOneShot;
        *(long*)(ev + Libc.EpollDataOffset) = operation.Id;
        if (Libc.EpollCtl(epoll, Libc.EpollCtlAdd, fd, ev) < 0)
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

    internal void Forget(long id)
    {
        lock (gate)
        {
            pending.Remove(id);
        }
    }

    /// <summary>The connect finished: up with a reset close (the conversation is over), or the kernel's error.</summary>
    internal static ProbeResult Finish(int fd)
    {
        int error;
        var size = sizeof(int);
        if (Libc.GetSockOpt(fd, Libc.SolSocket, Libc.SoError, &error, &size) < 0)
        {
            error = Marshal.GetLastPInvokeError();
        }

        if (error == 0)
        {
            return Connected(fd);
        }

        _ = Libc.Close(fd);
        return ProbeResult.Failure(ConnectErrors.Reason(error));
    }

    /// <summary>Closes with a reset (SO_LINGER on, 0 s): no FIN exchange, no TIME_WAIT; see <see cref="ProbeSocket.ResetOnClose"/>.</summary>
    internal static void Abort(int fd)
    {
        var linger = stackalloc int[2] { 1, 0 };
        _ = Libc.SetSockOpt(fd, Libc.SolSocket, Libc.SoLinger, linger, 2 * sizeof(int));
        _ = Libc.Close(fd);
    }

    private static ProbeResult Connected(int fd)
    {
        Abort(fd);
        return ProbeResult.Success(ProbeReasons.Connected);
    }

    private static ValueTask<ProbeResult> Fail(int fd)
    {
        var error = Marshal.GetLastPInvokeError();
        _ = Libc.Close(fd);
        return ValueTask.FromResult(ProbeResult.Failure(ConnectErrors.Reason(error)));
    }

    private void Loop()
    {
        var size = Libc.EpollEventSize;
        var events = (byte*)NativeMemory.Alloc((nuint)(BatchSize * size));
        while (true)
        {
            var n = Libc.EpollWait(epoll, events, BatchSize, -1);
            for (var i = 0; i < n; i++)
            {
                var id = *(long*)(events + (i * size) + Libc.EpollDataOffset);
                ConnectOperation? operation;
                lock (gate)
                {
                    pending.TryGetValue(id, out operation);
                }

                // Absent: a timeout claimed it between the event and now (and closed the descriptor).
                operation?.Complete(failure: null);
            }
        }
    }
}
