using System.Net;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Transport;

namespace HaDirector.Director.Tests.Kernel;

/// <summary>
/// The VRRP socket of one fake interface: keeps every advert sent (and logs it as an effect), and hands datagrams a
/// test injects to the channel's receive thread. <see cref="Deliver"/> returns once that thread has dispatched it.
/// </summary>
internal sealed class FakeVrrpSocket(string interfaceName, Action<string> record) : IVrrpSocket
{
    private readonly object _gate = new(); // Monitor.Wait needs an object lock
    private readonly Queue<byte[]> _inbox = new();
    private readonly List<VrrpDatagram> _sent = [];
    private readonly List<byte[]> _sentBytes = [];
    private long _handedOut;
    private long _dispatched;
    private bool _disposed;
    private bool _stopped;
    private bool _receiverStalled;
    private int _timedReceives;

    public string InterfaceName => interfaceName;

    public IReadOnlyList<VrrpDatagram> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>Every datagram sent, as on the wire (an HMAC trailer included).</summary>
    public IReadOnlyList<byte[]> SentBytes
    {
        get
        {
            lock (_gate)
            {
                return [.. _sentBytes];
            }
        }
    }

    public bool Disposed
    {
        get
        {
            lock (_gate)
            {
                return _disposed;
            }
        }
    }

    /// <summary>
    /// False: a send is only counted (<see cref="SendCount"/>), neither parsed nor kept, so a test can measure what the
    /// daemon itself allocates per advert.
    /// </summary>
    public bool Recording { get; set; } = true;

    /// <summary>Every send, recorded or not.</summary>
    public long SendCount => Interlocked.Read(ref _sendCount);

    private long _sendCount;

    public void Send(ReadOnlySpan<byte> ipDatagram, IPAddress destination)
    {
        Interlocked.Increment(ref _sendCount);
        if (!Recording)
        {
            return;
        }

        // Either checksum mode (RFC 5798's, or RFC 9568's for v3 without the pseudo-header).
        if (VrrpCodec.TryParse(ipDatagram, out var datagram) != VrrpDropReason.None
            && VrrpCodec.TryParse(ipDatagram, out datagram, VrrpChecksumMode.MessageOnly) != VrrpDropReason.None)
        {
            throw new InvalidOperationException("sent a datagram that is not a valid VRRP advert");
        }

        lock (_gate)
        {
            _sent.Add(datagram!);
            _sentBytes.Add(ipDatagram.ToArray());
        }

        record($"advert {interfaceName} vrid {datagram!.Packet.VirtualRouterId} priority {datagram.Packet.Priority} to {destination}");
    }

    public int? Receive(Span<byte> buffer, TimeSpan timeout)
    {
        byte[] datagram;
        lock (_gate)
        {
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                _timedReceives++;
            }

            // Back for the next one: the one handed out before has been dispatched.
            _dispatched = _handedOut;
            Monitor.PulseAll(_gate);
            while (!_disposed && (_inbox.Count == 0 || _receiverStalled))
            {
                if (_stopped || !Monitor.Wait(_gate, timeout))
                {
                    return null;
                }
            }

            ObjectDisposedException.ThrowIf(_disposed, this);
            datagram = _inbox.Dequeue();
            _handedOut++;
        }

        datagram.CopyTo(buffer);
        return datagram.Length;
    }

    /// <summary>
    /// While true the receive thread gets nothing, as a receive thread starved of CPU: what arrives meanwhile waits in the
    /// socket (<see cref="Queue"/>) for <see cref="TryReceive"/> or for the thread once it is let go.
    /// </summary>
    public bool ReceiverStalled
    {
        set
        {
            lock (_gate)
            {
                _receiverStalled = value;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Puts a datagram in the socket's queue without waiting for anyone to take it.</summary>
    public void Queue(byte[] ipDatagram)
    {
        lock (_gate)
        {
            _inbox.Enqueue(ipDatagram);
            Monitor.PulseAll(_gate);
        }
    }

    public int? TryReceive(Span<byte> buffer)
    {
        byte[] datagram;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_inbox.TryDequeue(out datagram!))
            {
                return null;
            }

            TakenWithoutWaiting++;
        }

        datagram.CopyTo(buffer);
        return datagram.Length;
    }

    /// <summary>How many receives asked to be woken after a while with nothing (a poll), rather than block until a datagram.</summary>
    public int TimedReceives
    {
        get
        {
            lock (_gate)
            {
                return _timedReceives;
            }
        }
    }

    /// <summary>Whether the channel has ended receiving (<see cref="StopReceiving"/>).</summary>
    public bool ReceivingStopped
    {
        get
        {
            lock (_gate)
            {
                return _stopped;
            }
        }
    }

    public void StopReceiving()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>How many datagrams <see cref="TryReceive"/> handed out.</summary>
    public int TakenWithoutWaiting { get; private set; }

    /// <summary>Injects a received datagram and waits (bounded) until the receive thread has dispatched it.</summary>
    public void Deliver(byte[] ipDatagram)
    {
        lock (_gate)
        {
            _inbox.Enqueue(ipDatagram);
            var ticket = _handedOut + _inbox.Count;
            Monitor.PulseAll(_gate);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (_dispatched < ticket)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || _disposed)
                {
                    throw new TimeoutException($"{interfaceName}: nobody received the injected datagram");
                }

                Monitor.Wait(_gate, left);
            }
        }
    }

    /// <summary>An advert as a peer would send it: IP header (TTL or hop limit 255 unless said), VRRP message with a valid checksum.</summary>
    public static byte[] Advert(VrrpPacket packet, IPAddress source, IPAddress? destination = null, byte ttl = VrrpCodec.RequiredTtl) =>
        VrrpDatagramWriter.Write(packet, source, destination ?? VrrpCodec.MulticastGroupOf(source.AddressFamily), ttl: ttl);

    public void WarmUp()
    {
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
    }
}
