using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using HaDirector.HealthCheck.Scheduling;
using HaDirector.Linux.Interop;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// TCP connect checks on one epoll loop of their own, as keepalived's checker runs them: a non-blocking
/// <c>connect</c>, the descriptor added to epoll (EPOLLOUT, one-shot), and on the event a reset close and the result
/// handed back on this loop's thread. Made by the daemon's composition root and disposed with it: the loop's thread
/// then ends.
/// </summary>
/// <remarks>
/// Not <see cref="System.Net.Sockets.Socket"/>: its epoll thread queues every completion to the thread pool, so
/// each check would wake a worker and go through its async machinery. A scheduler's connect targets
/// (<see cref="IEngineLane"/>) run on this thread as half-open ones run on theirs: each wake passes the lanes, which
/// start the connects that came due and time out those that ran out, and the events then finish them inline; a
/// connect is a plain descriptor in a slot of this engine, so a check costs no Task, timer, pool thread or
/// finalizable handle. Its event's cookie carries the slot and the slot's generation, so an event of a descriptor
/// already closed (a forked child may hold it open a moment longer) is dropped. A connect whose round has something
/// to say (<see cref="IConnectInFlight.Request"/>: a plain HTTP GET) stays in its slot once connected: the request is
/// sent and the answer read on the same descriptor's edge-triggered events, and the round judges it; the reset close
/// follows either way. <see cref="ConnectAsync"/> serves
/// single probes (<see cref="TcpProbe"/> outside a scheduler) the old way: an operation per connect, awaited.
/// </remarks>
public sealed unsafe class ConnectEngine : RoundEngine, IDisposable
{
    private const int BatchSize = 256;

    // The wake-up's epoll cookie; single probes' ids start at 1; a lane's connects set this bit.
    private const long WakeCookie = 0;
    private const long SlotCookie = 1L << 62;
    private const uint GenerationMask = 0x3FFF_FFFF;

    // A conversation (an HTTP GET) is watched edge-triggered for the whole of it: connected (EPOLLOUT), then the
    // answer (EPOLLIN, EPOLLRDHUP when the server closes), with no epoll_ctl between; read until EAGAIN or judged.
    private const uint EpollRdHup = 0x2000;
    private const uint EpollEdge = 1u << 31;
    private const uint Conversation = Libc.EpollOut | Libc.EpollIn | EpollRdHup | EpollEdge;
    private const int MsgNoSignal = 0x4000;

    private readonly Dictionary<long, ConnectOperation> _pending = [];
    private readonly Lock _gate = new();
    private readonly Epoll _epoll = new();
    private readonly EventFd _wake = new();
    private readonly EngineLanes _lanes = new();
    private readonly EngineThread _loop;

    // On the loop's thread only: the lanes' connects in flight, and the outcomes known at once (refused by a local
    // error, connected before connect returned), handed back after the pass that started them rather than inside it.
    private readonly Stack<int> _freeSlots = new();
    private Slot[] _slots = new Slot[64];
    private int _slotsUsed;
    private List<(IConnectInFlight Connect, ProbeResult Result)> _ready = [];
    private List<(IConnectInFlight Connect, ProbeResult Result)> _handing = [];

    private long _nextId;
    private volatile bool _disposed;

    public ConnectEngine()
    {
        _epoll.Add(_wake.Handle, Libc.EpollIn, WakeCookie);
        _loop = new EngineThread("health connect", Loop);
    }

    /// <summary>Connects in flight: single probes' and lanes'.</summary>
    internal int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count + Volatile.Read(ref _slotsUsed);
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
        _wake.Signal();
        _loop.Join(Release);
    }

    internal override IRoundLane OpenLane(LaneContext context) => new ConnectRounds(this, context);

    internal override void Attach(IEngineLane lane)
    {
        _lanes.Attach(lane);
        Wake();
    }

    internal override void Wake() => _wake.Signal();

    /// <summary>
    /// On the engine's thread only (a lane's pass or an answer it hears): opens the socket and starts the connect. Its
    /// outcome comes to <see cref="IConnectInFlight.Complete"/> on this thread, never from inside this call.
    /// </summary>
    internal void Start(IConnectInFlight connect)
    {
        var target = connect.TargetAddress;
        var fd = Libc.Socket(BinaryPrimitives.ReadUInt16LittleEndian(target), Libc.SockStream | Libc.SockNonBlock | Libc.SockCloExec, 0);
        if (fd < 0)
        {
            _ready.Add((connect, ProbeResult.Failure(ConnectErrors.Reason(Marshal.GetLastPInvokeError()))));
            return;
        }

        var source = connect.SourceAddress;
        int result;
        fixed (byte* from = source)
        fixed (byte* to = target)
        {
            result = source.IsEmpty || Libc.Bind(fd, from, source.Length) == 0 ? Libc.Connect(fd, to, target.Length) : -1;
        }

        var converses = !connect.Request.IsEmpty;
        if (result == 0 && !converses)
        {
            Abort(fd);
            _ready.Add((connect, ProbeResult.Success(ProbeReasons.Connected)));
            return;
        }

        // Connected at once (a conversation's EPOLLOUT then comes at once) or in progress.
        var error = result == 0 ? Errno.EINPROGRESS : Marshal.GetLastPInvokeError();
        if (error != Errno.EINPROGRESS)
        {
            _ = Libc.Close(fd);
            _ready.Add((connect, ProbeResult.Failure(ConnectErrors.Reason(error))));
            return;
        }

        var slot = TakeSlot();
        ref var entry = ref _slots[slot];
        entry.Connect = connect;
        entry.Fd = fd;
        entry.Talking = false;
        entry.Generation = (entry.Generation + 1) & GenerationMask;
        if (_epoll.TryAdd(fd, converses ? Conversation : Libc.EpollOut | Libc.EpollOneShot, SlotCookie | ((long)entry.Generation << 32) | (uint)slot) < 0)
        {
            error = Marshal.GetLastPInvokeError();
            FreeSlot(slot);
            Abort(fd);
            _ready.Add((connect, ProbeResult.Failure(ConnectErrors.Reason(error))));
            return;
        }

        connect.Slot = slot;
    }

    /// <summary>
    /// On the engine's thread only: a timeout or a stop abandons the connect; its descriptor is closed with a reset
    /// (it may have connected while its event waited). False when it held none (its outcome is known already).
    /// </summary>
    internal bool Abandon(IConnectInFlight connect)
    {
        var slot = connect.Slot;
        if (slot < 0 || _slots[slot].Connect != connect)
        {
            return false;
        }

        var fd = _slots[slot].Fd;
        FreeSlot(slot);
        connect.Slot = -1;
        Abort(fd);
        return true;
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

    private static void Abort(int fd)
    {
        var linger = stackalloc int[2] { 1, 0 };
        _ = Libc.SetSockOpt(fd, Libc.SolSocket, Libc.SoLinger, linger, 2 * sizeof(int));
        _ = Libc.Close(fd);
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

    private int TakeSlot()
    {
        Volatile.Write(ref _slotsUsed, _slotsUsed + 1);
        if (_freeSlots.TryPop(out var slot))
        {
            return slot;
        }

        if (_slotsUsed > _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        return _slotsUsed - 1;
    }

    private void FreeSlot(int slot)
    {
        _slots[slot].Connect = null;
        _slots[slot].Fd = -1;
        _freeSlots.Push(slot);
        Volatile.Write(ref _slotsUsed, _slotsUsed - 1);
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

        // A lane's connects outlive its scheduler only if the engine goes first: closed, not reported.
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot].Connect is { } connect)
            {
                Abandon(connect);
            }
        }

        _epoll.Dispose();
        _wake.Dispose();
    }

    private void Loop()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(BatchSize * Libc.EpollEventSize));
        try
        {
            var timeout = -1;
            while (!_disposed)
            {
                // Every event waiting is handled before the pass: a late wake (a loaded machine) must not time out
                // a connect whose answer is already there.
                var n = _epoll.Wait(events, BatchSize, timeout);
                Handle(events, n);
                while (n == BatchSize)
                {
                    n = _epoll.Wait(events, BatchSize, 0);
                    Handle(events, n);
                }

                timeout = _lanes.Pass();
                HandOver();
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }

    private void Handle(byte* events, int n)
    {
        for (var i = 0; i < n; i++)
        {
            var cookie = Epoll.Cookie(events, i);
            if ((cookie & SlotCookie) != 0)
            {
                Finish(cookie, Epoll.Events(events, i));
            }
            else if (cookie == WakeCookie)
            {
                _wake.Reset();
            }
            else
            {
                ConnectOperation? operation;
                lock (_gate)
                {
                    _pending.TryGetValue(cookie, out operation);
                }

                // Absent: a timeout claimed it between the event and now (and closed the descriptor).
                operation?.Complete(failure: null);
            }
        }
    }

    /// <summary>A lane's connect answered: connected (EPOLLOUT alone), or the kernel's error, read only then.</summary>
    private void Finish(long cookie, uint events)
    {
        var slot = (int)(uint)cookie;
        ref var entry = ref _slots[slot];
        if (entry.Connect is not { } connect || entry.Generation != (uint)((cookie >> 32) & GenerationMask))
        {
            // The connect was abandoned and its descriptor closed after the event was queued.
            return;
        }

        var fd = entry.Fd;
        if (entry.Talking)
        {
            Read(slot, connect, fd, events);
            return;
        }

        var error = 0;
        if ((events & (Libc.EpollErr | Libc.EpollHup)) != 0)
        {
            var size = (uint)sizeof(int);
            if (Libc.GetSockOpt(fd, Libc.SolSocket, Libc.SoError, &error, &size) < 0)
            {
                error = Marshal.GetLastPInvokeError();
            }

            // A hang-up with no error pending: the server reset a conversation before it began.
            error = error == 0 && !connect.Request.IsEmpty ? Errno.ECONNRESET : error;
        }

        if (error == 0 && !connect.Request.IsEmpty)
        {
            Talk(slot, connect, fd, events);
            return;
        }

        FreeSlot(slot);
        connect.Slot = -1;
        if (error == 0)
        {
            Abort(fd);
            connect.Complete(ProbeResult.Success(ProbeReasons.Connected));
        }
        else
        {
            _ = Libc.Close(fd);
            connect.Complete(ProbeResult.Failure(ConnectErrors.Reason(error)));
        }
    }

    /// <summary>Connected: the request goes at once (a few hundred bytes into an empty socket buffer), then the answer is read.</summary>
    private void Talk(int slot, IConnectInFlight connect, int fd, uint events)
    {
        var request = connect.Request;
        nint sent;
        fixed (byte* bytes = request)
        {
            sent = Libc.Send(fd, bytes, (nuint)request.Length, MsgNoSignal);
        }

        if (sent != request.Length)
        {
            End(slot, connect, fd, ProbeResult.Failure(sent < 0 ? ConnectErrors.Reason(Marshal.GetLastPInvokeError()) : "request only partly sent"));
            return;
        }

        _slots[slot].Talking = true;
        if ((events & (Libc.EpollIn | EpollRdHup)) != 0)
        {
            Read(slot, connect, fd, events);
        }
    }

    /// <summary>Reads what arrived (edge-triggered: until EAGAIN) until the conversation judges its answer.</summary>
    private void Read(int slot, IConnectInFlight connect, int fd, uint events)
    {
        if ((events & (Libc.EpollIn | EpollRdHup | Libc.EpollErr | Libc.EpollHup)) == 0)
        {
            // Room in the send buffer again (the request was acknowledged): nothing to read.
            return;
        }

        while (true)
        {
            var room = connect.Room();
            nint read;
            fixed (byte* bytes = room)
            {
                read = Libc.Recv(fd, bytes, (nuint)room.Length, 0);
            }

            if (read < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                if (error != Errno.EAGAIN)
                {
                    End(slot, connect, fd, ProbeResult.Failure(ConnectErrors.Reason(error)));
                }

                return;
            }

            if (connect.Received((int)read) is { } result)
            {
                End(slot, connect, fd, result);
                return;
            }
        }
    }

    /// <summary>The conversation is over: a reset close (whatever is unread is not wanted), then the outcome.</summary>
    private void End(int slot, IConnectInFlight connect, int fd, in ProbeResult result)
    {
        FreeSlot(slot);
        connect.Slot = -1;
        Abort(fd);
        connect.Complete(result);
    }

    /// <summary>The outcomes known when their connects started; an answer may start more (a freed slot), handed over in turn.</summary>
    private void HandOver()
    {
        while (_ready.Count > 0)
        {
            (_ready, _handing) = (_handing, _ready);
            foreach (var (connect, result) in _handing)
            {
                connect.Complete(result);
            }

            _handing.Clear();
        }
    }

    /// <summary>A lane's connect in flight: its descriptor, and a generation that tells its events from a former holder's.</summary>
    private struct Slot
    {
        public IConnectInFlight? Connect;
        public int Fd;
        public uint Generation;

        // A conversation's request was sent: its events are the answer's.
        public bool Talking;
    }
}
