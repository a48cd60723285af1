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
/// thousand a second. A scheduler's half-open targets go further (<see cref="IEngineLane"/>): the engine runs
/// their rounds itself on each wake and sleeps in epoll_wait until the next one is due, so a check costs no pool
/// thread, timer or Task at all. A reply is matched by its 4-tuple and must
/// acknowledge the probe's random ISN + 1, so a late reply to an earlier probe of the same tuple, or a forged
/// one, is ignored. Needs CAP_NET_RAW. IPv6 targets go through a second raw socket (AF_INET6, IPV6_HDRINCL) on the
/// same thread, epoll and source ports: its replies come without the IPv6 header, their source in msg_name; a
/// host without IPv6 has no such socket and answers IPv6 checks with <see cref="ProbeReasons.NoIpv6"/>. Made by
/// the daemon's composition root and disposed with it: the thread then ends and the sockets and ports are released.
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
    private const long Socket6Cookie = 2;

    // linux/in6.h: IPPROTO_IPV6 as a socket level, and IPV6_HDRINCL (Linux 4.5), raw(7)'s IP_HDRINCL for IPv6.
    private const int SolIpv6 = 41;
    private const int Ipv6HdrIncl = 36;

    // struct sockaddr_in6: family, port, flow info, address at 8, scope id.
    private const int Ipv6NameLength = 28;

    // An IPV6_PKTINFO control message (struct cmsghdr, 16 bytes, then struct in6_pktinfo: the source and an
    // interface index of 0), CMSG_SPACE(20) = 40 bytes: the SYN's source, so the kernel does not choose one.
    private const int Ipv6PktInfo = 50;
    private const int CmsgHeaderLength = 16;
    private const int PktInfoLength = 20;
    private const int PktInfoSpace = 40;
    private const int SlotLength = SynSegment.Ipv6Length;

    private readonly Socket _raw;
    private readonly Socket? _raw6;
    private readonly ReservedPorts _ports;
    private readonly Dictionary<SynKey, ISynInFlight> _pending = [];
    private readonly Lock _gate = new();
    private readonly Epoll _epoll = new();
    private readonly EventFd _wake = new();
    private readonly EngineThread _loop;
    private readonly uint[] _isns = new uint[256];
    private readonly ISynInFlight?[] _batch = new ISynInFlight?[BatchSize];
    private readonly ISynInFlight?[] _batch6 = new ISynInFlight?[BatchSize];
    private List<ISynInFlight> _queued = [];
    private List<ISynInFlight> _sending = [];
    private readonly EngineLanes _lanes = new();
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
        _raw6 = OpenIpv6(_ports);
        _epoll.Add(_wake.Handle, Libc.EpollIn, WakeCookie);
        _epoll.Add(_raw.SafeHandle, Libc.EpollIn, SocketCookie);
        if (_raw6 is not null)
        {
            _epoll.Add(_raw6.SafeHandle, Libc.EpollIn, Socket6Cookie);
        }

        _loop = new EngineThread("health half-open", Loop);
    }

    /// <summary>False on a host without IPv6 (booted with ipv6.disable=1): IPv6 checks are then down.</summary>
    public bool HasIpv6 => _raw6 is not null;

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

        if (!SynAddress.TryFrom(source, out var from) || !SynAddress.TryFrom(target.Address, out var to)
            || SynAddress.IsIpv4(from) != SynAddress.IsIpv4(to))
        {
            return ValueTask.FromResult(ProbeResult.Failure(ProbeReasons.MixedFamilies));
        }

        if (!SynAddress.IsIpv4(to) && _raw6 is null)
        {
            return ValueTask.FromResult(ProbeResult.Failure(ProbeReasons.NoIpv6));
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

    internal override void Attach(IEngineLane lane)
    {
        _lanes.Attach(lane);
        Wake();
    }

    internal override void Wake() => _wake.Signal();

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
        _raw6?.Dispose();
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

    private static SynKey KeyOf(ISynInFlight operation) => new(operation.TargetAddress, operation.TargetPort, operation.LocalPort);

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

    /// <summary>The IPv6 raw socket, or null when the host has no IPv6 (EAFNOSUPPORT).</summary>
    private static Socket? OpenIpv6(ReservedPorts ports)
    {
        Socket socket;
        try
        {
            socket = LinuxSocket.Open(LinuxConstants.AfInet6, LinuxConstants.SockRaw, LinuxConstants.IpProtoTcp);
        }
        catch (LinuxErrorException e) when (e.Errno == Errno.EAFNOSUPPORT)
        {
            return null;
        }

        try
        {
            LinuxSocket.AttachFilter(socket, SynReplyFilter.ProgramIpv6(ports.First, ports.Last));
            LinuxSocket.SetOption(socket, SolIpv6, Ipv6HdrIncl, 1, "IPV6_HDRINCL");
            LinuxSocket.TrySetOption(socket, LinuxConstants.SolSocket, LinuxConstants.SoRcvBufForce, ReceiveBuffer);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
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

    /// <summary>One sendmmsg per family: IPv4 SYNs on the IP_HDRINCL socket, IPv6 ones on the IPV6_HDRINCL socket.</summary>
    private bool Send(List<ISynInFlight> operations, int start, int count)
    {
        var packets = stackalloc byte[2 * BatchSize * SlotLength];
        var names = stackalloc byte[2 * BatchSize * Ipv6NameLength];
        var controls = stackalloc byte[BatchSize * PktInfoSpace];
        var vectors = stackalloc IoVec[2 * BatchSize];
        var messages = stackalloc MMsgHdr[2 * BatchSize];
        int n4 = 0, n6 = 0;
        Span<byte> source = stackalloc byte[16];
        Span<byte> target = stackalloc byte[16];
        for (var i = start; i < start + count; i++)
        {
            var operation = operations[i];
            if (operation.Claimed)
            {
                continue;
            }

            SynAddress.Write(operation.Source, source);
            var v4 = SynAddress.Write(operation.TargetAddress, target) == 4;
            var slot = v4 ? n4 : BatchSize + n6;
            var packet = packets + (slot * SlotLength);
            var length = v4 ? SynSegment.Length : SynSegment.Ipv6Length;
            var name = new Span<byte>(names + (slot * Ipv6NameLength), Ipv6NameLength);
            name.Clear();

            // With IP_HDRINCL and IPV6_HDRINCL the kernel routes by the header's destination; the port is unused.
            if (v4)
            {
                SynSegment.Write(new Span<byte>(packet, length), source, target, operation.LocalPort, operation.TargetPort, operation.Isn, _nextId++);
                BinaryPrimitives.WriteUInt16LittleEndian(name, LinuxConstants.AfInet);
                target[..4].CopyTo(name[4..]);
                _batch[n4++] = operation;
            }
            else
            {
                SynSegment.WriteIpv6(new Span<byte>(packet, length), source, target, operation.LocalPort, operation.TargetPort, operation.Isn);
                BinaryPrimitives.WriteUInt16LittleEndian(name, LinuxConstants.AfInet6);
                target.CopyTo(name[8..]);
                _batch6[n6++] = operation;
            }

            vectors[slot] = new IoVec { Base = packet, Length = (nuint)length };
            messages[slot] = new MMsgHdr { Name = names + (slot * Ipv6NameLength), NameLength = v4 ? 16u : Ipv6NameLength, Iov = &vectors[slot], IovLength = 1 };
            if (!v4)
            {
                var control = controls + ((n6 - 1) * PktInfoSpace);
                WritePktInfo(new Span<byte>(control, PktInfoSpace), source);
                messages[slot].Control = control;
                messages[slot].ControlLength = PktInfoSpace;
            }
        }

        if (n4 > 0)
        {
            SendAll(_raw, messages, _batch, n4);
        }

        if (n6 > 0)
        {
            SendAll(_raw6!, messages + BatchSize, _batch6, n6);
        }

        return n6 > 0;
    }

    /// <summary>
    /// The IPV6_PKTINFO message naming the SYN's source. Without it every IPv6 SYN made the kernel choose a source
    /// address for the route lookup (RFC 6724 rules over every address of the namespace, the 100 of the bench's lo
    /// among them), although the header we write already carries ours; IPv4's route lookup has no such step.
    /// </summary>
    private static void WritePktInfo(Span<byte> control, ReadOnlySpan<byte> source)
    {
        control.Clear();
        BinaryPrimitives.WriteInt64LittleEndian(control, CmsgHeaderLength + PktInfoLength);
        BinaryPrimitives.WriteInt32LittleEndian(control[8..], SolIpv6);
        BinaryPrimitives.WriteInt32LittleEndian(control[12..], Ipv6PktInfo);
        source[..16].CopyTo(control[CmsgHeaderLength..]);
    }

    /// <summary>sendmmsg stops at the first message that fails; resent alone, that one reports its errno.</summary>
    private void SendAll(Socket socket, MMsgHdr* messages, ISynInFlight?[] batch, int n)
    {
        for (var i = 0; i < n;)
        {
            var sent = Libc.SendMmsg(socket.SafeHandle, messages + i, (uint)(n - i), 0);
            if (sent > 0)
            {
                i += sent;
                Volatile.Write(ref _synsSent, _synsSent + sent);
                continue;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error != Errno.EINTR)
            {
                batch[i]!.Complete(ProbeResult.Failure(ConnectErrors.Reason(error)));
                i++;
            }
        }

        Array.Clear(batch, 0, n);
    }

    private void Loop()
    {
        // Two sets of receive buffers and headers: [0, BatchSize) for IPv4, [BatchSize, 2 BatchSize) for IPv6,
        // whose sources arrive in msg_name.
        var buffers = (byte*)NativeMemory.Alloc(2 * BatchSize * ReceiveSize);
        var names = (byte*)NativeMemory.AllocZeroed(BatchSize * Ipv6NameLength);
        var vectors = (IoVec*)NativeMemory.Alloc((nuint)(2 * BatchSize * sizeof(IoVec)));
        var messages = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(2 * BatchSize * sizeof(MMsgHdr)));
        var events = stackalloc byte[3 * 16];
        for (var i = 0; i < 2 * BatchSize; i++)
        {
            vectors[i] = new IoVec { Base = buffers + (i * ReceiveSize), Length = ReceiveSize };
            messages[i].Iov = &vectors[i];
            messages[i].IovLength = 1;
        }

        for (var i = 0; i < BatchSize; i++)
        {
            messages[BatchSize + i].Name = names + (i * Ipv6NameLength);
        }

        try
        {
            var timeout = -1;
            while (!_disposed)
            {
                var ready = _epoll.Wait(events, 3, timeout);
                _wake.Reset();

                // Replies that arrived before this pass are read first: a late wake (a loaded machine) must not time
                // out a round whose answer is already waiting in the socket.
                for (var i = 0; i < ready; i++)
                {
                    var cookie = Epoll.Cookie(events, i);
                    if (cookie == SocketCookie)
                    {
                        Drain(buffers, messages);
                    }
                    else if (cookie == Socket6Cookie)
                    {
                        Drain6(buffers + (BatchSize * ReceiveSize), messages + BatchSize);
                    }
                }

                // Then send: on a LAN (and on loopback at once) the replies follow the SYNs, so reading after
                // sending takes more of them per call. The IPv6 socket is read only when IPv6 SYNs went out.
                timeout = _lanes.Pass();
                var sent6 = Flush();
                Drain(buffers, messages);
                if (sent6)
                {
                    Drain6(buffers + (BatchSize * ReceiveSize), messages + BatchSize);
                }
            }
        }
        finally
        {
            NativeMemory.Free(messages);
            NativeMemory.Free(vectors);
            NativeMemory.Free(names);
            NativeMemory.Free(buffers);
        }
    }

    /// <summary>Reads and matches every IPv4 reply waiting, in batches of recvmmsg.</summary>
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

    /// <summary>The same for IPv6: segments without their IP header, each source address in its msg_name.</summary>
    private void Drain6(byte* buffers, MMsgHdr* messages)
    {
        if (_raw6 is null)
        {
            return;
        }

        int n;
        do
        {
            for (var i = 0; i < BatchSize; i++)
            {
                messages[i].NameLength = Ipv6NameLength;
            }

            n = Libc.RecvMmsg(_raw6.SafeHandle, messages, BatchSize, LinuxConstants.MsgDontWait, null);
            if (n > 0)
            {
                Volatile.Write(ref _repliesRead, _repliesRead + n);
            }

            for (var i = 0; i < n; i++)
            {
                var segment = new ReadOnlySpan<byte>(buffers + (i * ReceiveSize), (int)Math.Min(messages[i].Length, ReceiveSize));
                if (SynReply.ReadIpv6(segment, new ReadOnlySpan<byte>((byte*)messages[i].Name + 8, 16)) is { } reply)
                {
                    Match(reply);
                }
            }
        }
        while (n == BatchSize);
    }

    /// <summary>Sends what the probes queued since the last flush, in batches of sendmmsg; true if any SYN was IPv6.</summary>
    private bool Flush()
    {
        lock (_gate)
        {
            (_queued, _sending) = (_sending, _queued);
            _flushQueued = false;
        }

        var sent6 = false;
        for (var i = 0; i < _sending.Count; i += BatchSize)
        {
            sent6 |= Send(_sending, i, Math.Min(BatchSize, _sending.Count - i));
        }

        _sending.Clear();
        return sent6;
    }

    private void Match(in SynReply reply)
    {
        ISynInFlight? operation;
        lock (_gate)
        {
            _pending.TryGetValue(new SynKey(reply.Source, reply.SourcePort, reply.DestinationPort), out operation);
        }

        if (operation is not null && reply.Answers(operation.Isn) && (reply.Accepted || reply.Refused))
        {
            operation.Complete(reply.Accepted ? ProbeResult.Success(ProbeReasons.SynAcked) : ProbeResult.Failure(ProbeReasons.Refused));
        }
    }
}
