using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using HaDirector.HealthCheck.Scheduling;
using HaDirector.Linux.Interop;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// Half-open TCP checks (nmap's SYN scan, F5's tcp_half_open): a SYN from a raw socket; a SYN-ACK means the port
/// accepts connections, a RST means refused, nothing before the timeout means timed out. Our kernel answers the
/// SYN-ACK with a reset (nothing listens on the source port), which drops the real server's half-open connection
/// before its application ever hears of it: no accept, no socket on our side, no TIME_WAIT on either.
/// </summary>
/// <remarks>
/// One raw IPPROTO_TCP socket (IP_HDRINCL) sends and receives, on one thread of this engine's own: probes queue
/// their SYNs and wake it through an eventfd (once per batch), it sends the queue with sendmmsg, then reads
/// every reply waiting with recvmmsg (filtered in the kernel by <see cref="SynReplyFilter"/>) and completes the
/// awaiting code inline (it must stay short): no thread-pool hop, whose wakes cost more than the checks at ten
/// thousand a second. A scheduler's half-open targets go further (<see cref="IHalfOpenLane"/>): the engine runs
/// their rounds itself on each wake and sleeps in epoll_wait until the next one is due, so a check costs no pool
/// thread, timer or Task at all. A reply is matched by its 4-tuple and must
/// acknowledge the probe's random ISN + 1, so a late reply to an earlier probe of the same tuple, or a forged
/// one, is ignored. Needs CAP_NET_RAW. IPv4 only (the configuration's real servers are IPv4). Made by the daemon's
/// composition root and disposed with it: the thread then ends and the socket and ports are released.
/// </remarks>
public sealed unsafe class HalfOpenEngine : RoundEngine, IDisposable
{
    /// <summary>Source ports rotate over this many, so one target's consecutive probes rarely reuse a tuple.</summary>
    private const int PortCount = 64;
    private const int BatchSize = 64;
    private const int ReceiveSize = 128;
    private const int ReceiveBuffer = 1 << 20;
    private const long WakeCookie = 0;
    private const long SocketCookie = 1;

    private readonly Socket _raw;
    private readonly ReservedPorts _ports;
    private readonly Dictionary<ulong, ISynInFlight> _pending = [];
    private readonly Lock _gate = new();
    private readonly Epoll _epoll = new();
    private readonly EventFd _wake = new();
    private readonly EngineThread _loop;
    private readonly uint[] _isns = new uint[256];
    private readonly ISynInFlight?[] _batch = new ISynInFlight?[BatchSize];
    private List<ISynInFlight> _queued = [];
    private List<ISynInFlight> _sending = [];
    private IHalfOpenLane[] _lanes = [];
    private bool _flushQueued;
    private int _nextPort;
    private int _nextIsn = int.MaxValue;
    private ushort _nextId;
    private volatile bool _disposed;
    private long _synsSent;
    private long _repliesRead;

    /// <summary>Opens the raw socket and starts the engine's thread; throws <see cref="LinuxErrorException"/> without CAP_NET_RAW.</summary>
    public HalfOpenEngine()
    {
        _raw = LinuxSocket.Open(LinuxConstants.AfInet, LinuxConstants.SockRaw, LinuxConstants.IpProtoTcp);
        _ports = ReservedPorts.Reserve(PortCount);
        LinuxSocket.AttachFilter(_raw, SynReplyFilter.Program(_ports.First, _ports.Last));
        LinuxSocket.SetOption(_raw, LinuxConstants.SolIp, LinuxConstants.IpHdrIncl, 1, "IP_HDRINCL");
        LinuxSocket.TrySetOption(_raw, LinuxConstants.SolSocket, LinuxConstants.SoRcvBufForce, ReceiveBuffer);
        _epoll.Add(_wake.Handle, Libc.EpollIn, WakeCookie);
        _epoll.Add(_raw.SafeHandle, Libc.EpollIn, SocketCookie);
        _loop = new EngineThread("health half-open", Loop);
    }

    /// <summary>The source ports SYNs are sent from.</summary>
    internal (ushort First, ushort Last) Ports => (_ports.First, _ports.Last);

    /// <summary>SYNs the kernel took so far: a test's sign that a probe is out.</summary>
    internal long SynsSent => Volatile.Read(ref _synsSent);

    /// <summary>TCP segments read from the raw socket (the kernel's filter let through), answers or not.</summary>
    internal long RepliesRead => Volatile.Read(ref _repliesRead);

    /// <summary>SYNs waiting for a reply: each is claimed once, by its reply, its timeout or a send error, then forgotten.</summary>
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

    /// <summary>Never throws: a SYN-ACK is up; a RST, a send error or the token (the timeout) is down.</summary>
    public ValueTask<ProbeResult> ProbeAsync(IPEndPoint target, IPAddress source, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested || _disposed)
        {
            return ValueTask.FromResult(ProbeResult.Failure(_disposed ? ProbeReasons.Stopped : ProbeReasons.TimedOut));
        }

        if (!TryIpv4(source, out var from) || !TryIpv4(target.Address, out var to))
        {
            return ValueTask.FromResult(ProbeResult.Failure(ProbeReasons.Ipv4Only));
        }

        var operation = new HalfOpenOperation(this, from, to, (ushort)target.Port);
        lock (_gate)
        {
            if (!TryAddLocked(operation))
            {
                return ValueTask.FromResult(ProbeResult.Failure(ProbeReasons.NoSourcePort));
            }
        }

        // Before the SYN is queued, so no reply can complete the operation before its registration is kept;
        // cancelled already, the callback claims it here and now and it is never sent.
        if (cancellationToken.CanBeCanceled)
        {
            operation.Registration = cancellationToken.UnsafeRegister(
                static o => ((HalfOpenOperation)o!).Complete(ProbeResult.Failure(ProbeReasons.TimedOut)), operation);
        }

        bool schedule;
        lock (_gate)
        {
            _queued.Add(operation);
            schedule = !_flushQueued;
            _flushQueued = true;
        }

        if (schedule)
        {
            _wake.Signal();
        }

        return operation.Task;
    }

    /// <summary>Runs the lane's passes on this engine's thread from now on, until its pass says it stopped.</summary>
    internal void Attach(IHalfOpenLane lane)
    {
        lock (_gate)
        {
            _lanes = [.. _lanes, lane];
        }

        Wake();
    }

    /// <summary>From any thread: the engine runs its lanes' passes at once (something came due earlier than it sleeps).</summary>
    internal void Wake() => _wake.Signal();

    /// <summary>Ends the engine's thread and releases the socket and source ports; SYNs still awaited are answered as stopped.</summary>
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

    private void Release()
    {
        ISynInFlight[] abandoned;
        lock (_gate)
        {
            abandoned = [.. _pending.Values];
        }

        foreach (var operation in abandoned)
        {
            operation.Complete(ProbeResult.Failure(ProbeReasons.Stopped));
        }

        _raw.Dispose();
        _ports.Dispose();
        _epoll.Dispose();
        _wake.Dispose();
    }

    internal override IRoundLane OpenLane(LaneContext context) => new HalfOpenRounds(this, context);

    /// <summary>
    /// On the engine's thread only (a lane's pass or an answer it hears): takes a source port and an ISN for the SYN
    /// and queues it for this wake's sendmmsg. False when every source port is busy with this target: not queued.
    /// </summary>
    internal bool TryQueue(ISynInFlight operation)
    {
        lock (_gate)
        {
            if (!TryAddLocked(operation))
            {
                return false;
            }

            _queued.Add(operation);
            return true;
        }
    }

    internal static ulong KeyOf(uint address, ushort port, ushort localPort) => ((ulong)address << 32) | ((ulong)port << 16) | localPort;

    private static ulong KeyOf(ISynInFlight operation) => KeyOf(operation.TargetAddress, operation.TargetPort, operation.LocalPort);

    internal void Forget(ISynInFlight operation)
    {
        lock (_gate)
        {
            // Only its own entry: a SYN that never got a port (all busy) shares its last key with another's.
            var key = KeyOf(operation);
            if (_pending.TryGetValue(key, out var held) && held == operation)
            {
                _pending.Remove(key);
            }
        }
    }

    internal static bool TryIpv4(IPAddress address, out uint value)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ok = address.TryWriteBytes(bytes, out var written) && written == 4;
        value = ok ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : 0;
        return ok;
    }

    /// <summary>Takes the next source port whose tuple with this target is free, and a fresh random ISN.</summary>
    private bool TryAddLocked(ISynInFlight operation)
    {
        for (var tries = 0; tries < PortCount; tries++)
        {
            operation.LocalPort = (ushort)(_ports.First + (_nextPort++ & (PortCount - 1)));
            if (_pending.TryAdd(KeyOf(operation), operation))
            {
                if (_nextIsn >= _isns.Length)
                {
                    RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(_isns.AsSpan()));
                    _nextIsn = 0;
                }

                operation.Isn = _isns[_nextIsn++];
                return true;
            }
        }

        return false;
    }

    private void Send(List<ISynInFlight> operations, int start, int count)
    {
        var packets = stackalloc byte[BatchSize * SynSegment.Length];
        var names = stackalloc byte[BatchSize * 16];
        var vectors = stackalloc IoVec[BatchSize];
        var messages = stackalloc MMsgHdr[BatchSize];
        var n = 0;
        Span<byte> source = stackalloc byte[4];
        Span<byte> target = stackalloc byte[4];
        for (var i = start; i < start + count; i++)
        {
            var operation = operations[i];
            if (operation.Claimed)
            {
                continue;
            }

            BinaryPrimitives.WriteUInt32BigEndian(source, operation.Source);
            BinaryPrimitives.WriteUInt32BigEndian(target, operation.TargetAddress);
            var packet = packets + (n * SynSegment.Length);
            SynSegment.Write(new Span<byte>(packet, SynSegment.Length), source, target, operation.LocalPort, operation.TargetPort, operation.Isn, _nextId++);

            // With IP_HDRINCL the kernel routes by the header's destination; sin_port is unused.
            var name = new Span<byte>(names + (n * 16), 16);
            name.Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(name, LinuxConstants.AfInet);
            target.CopyTo(name[4..]);
            vectors[n] = new IoVec { Base = packet, Length = SynSegment.Length };
            messages[n] = new MMsgHdr { Name = names + (n * 16), NameLength = 16, Iov = &vectors[n], IovLength = 1 };
            _batch[n++] = operation;
        }

        // sendmmsg stops at the first message that fails; resent alone, that one reports its errno.
        for (var i = 0; i < n;)
        {
            var sent = Libc.SendMmsg(_raw.SafeHandle, messages + i, (uint)(n - i), 0);
            if (sent > 0)
            {
                i += sent;
                Volatile.Write(ref _synsSent, _synsSent + sent);
                continue;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error != Errno.EINTR)
            {
                _batch[i]!.Complete(ProbeResult.Failure(ConnectErrors.Reason(error)));
                i++;
            }
        }

        Array.Clear(_batch);
    }

    private void Loop()
    {
        var buffers = (byte*)NativeMemory.Alloc(BatchSize * ReceiveSize);
        var vectors = (IoVec*)NativeMemory.Alloc((nuint)(BatchSize * sizeof(IoVec)));
        var messages = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(BatchSize * sizeof(MMsgHdr)));
        var events = stackalloc byte[2 * 16];
        for (var i = 0; i < BatchSize; i++)
        {
            vectors[i] = new IoVec { Base = buffers + (i * ReceiveSize), Length = ReceiveSize };
            messages[i].Iov = &vectors[i];
            messages[i].IovLength = 1;
        }

        try
        {
            var timeout = -1;
            while (!_disposed)
            {
                var ready = _epoll.Wait(events, 2, timeout);
                _wake.Reset();

                // Replies that arrived before this pass are read first: a late wake (a loaded machine) must not time
                // out a round whose answer is already waiting in the socket.
                for (var i = 0; i < ready; i++)
                {
                    if (Epoll.Cookie(events, i) == SocketCookie)
                    {
                        Drain(buffers, messages);
                    }
                }

                // Then send: on a LAN (and on loopback at once) the replies follow the SYNs, so reading after
                // sending takes more of them per call.
                timeout = Milliseconds(PassLanes());
                Flush();
                Drain(buffers, messages);
            }
        }
        finally
        {
            NativeMemory.Free(messages);
            NativeMemory.Free(vectors);
            NativeMemory.Free(buffers);
        }
    }

    /// <summary>Reads and matches every reply waiting, in batches of recvmmsg.</summary>
    private void Drain(byte* buffers, MMsgHdr* messages)
    {
        int n;
        do
        {
            n = Libc.RecvMmsg(_raw.SafeHandle, messages, BatchSize, LinuxConstants.MsgDontWait, null);
            if (n > 0)
            {
                Volatile.Write(ref _repliesRead, _repliesRead + n);
            }

            for (var i = 0; i < n; i++)
            {
                if (SynReply.Read(new ReadOnlySpan<byte>(buffers + (i * ReceiveSize), (int)Math.Min(messages[i].Length, ReceiveSize))) is { } reply)
                {
                    Match(reply);
                }
            }
        }
        while (n == BatchSize);
    }

    /// <summary>Runs every lane's pass; the shortest wait any of them asks for.</summary>
    private TimeSpan PassLanes()
    {
        var current = Volatile.Read(ref _lanes);
        var shortest = Timeout.InfiniteTimeSpan;
        foreach (var lane in current)
        {
            if (!lane.Pass(out var wait))
            {
                lock (_gate)
                {
                    _lanes = [.. _lanes.Where(l => l != lane)];
                }
            }
            else if (wait != Timeout.InfiniteTimeSpan && (shortest == Timeout.InfiniteTimeSpan || wait < shortest))
            {
                shortest = wait;
            }
        }

        return shortest;
    }

    /// <summary>epoll_wait's timeout: whole milliseconds, rounded up so a pass never comes before its time.</summary>
    private static int Milliseconds(TimeSpan wait) =>
        wait == Timeout.InfiniteTimeSpan ? -1 : (int)Math.Clamp(Math.Ceiling(wait.TotalMilliseconds), 0, int.MaxValue);

    /// <summary>Sends what the probes queued since the last flush, in batches of sendmmsg.</summary>
    private void Flush()
    {
        lock (_gate)
        {
            (_queued, _sending) = (_sending, _queued);
            _flushQueued = false;
        }

        for (var i = 0; i < _sending.Count; i += BatchSize)
        {
            Send(_sending, i, Math.Min(BatchSize, _sending.Count - i));
        }

        _sending.Clear();
    }

    private void Match(in SynReply reply)
    {
        ISynInFlight? operation;
        lock (_gate)
        {
            _pending.TryGetValue(KeyOf(reply.Source, reply.SourcePort, reply.DestinationPort), out operation);
        }

        if (operation is not null && reply.Answers(operation.Isn) && (reply.Accepted || reply.Refused))
        {
            operation.Complete(reply.Accepted ? ProbeResult.Success(ProbeReasons.SynAcked) : ProbeResult.Failure(ProbeReasons.Refused));
        }
    }
}
