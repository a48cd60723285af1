using System.Net;

namespace HaDirector.Vrrp.Arp;

/// <summary>
/// Paces the announcement bursts of one VRRP instance on an injected clock: a gratuitous ARP for each IPv4 VIP, an
/// unsolicited neighbour advertisement (RFC 4861 §7.2.6, Router and Override set, RFC 9568 §8.2) for each IPv6 VIP,
/// through the same sender, repeat, interval and refresh. <see cref="Stop"/> cancels any
/// pending round at once: keepalived 2.2.7 leaks its delayed burst past a step-down, which re-points the
/// router at a node that no longer holds the VIP.
/// </summary>
public sealed class GarpScheduler : IDisposable
{
    private readonly IArpSender _sender;
    private readonly TimeProvider _time;
    private GarpOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, byte[]> _frameCache = [];
    private ITimer? _timer;
    private byte[][] _frames = [];
    private int _roundsLeft;
    private long _framesSent;
    private long _sendErrors;
    private int _retriesLeft;
    private long _generation;

    public GarpScheduler(IArpSender sender, GarpOptions options, TimeProvider time)
    {
        _sender = sender;
        _options = options;
        _time = time;
    }

    /// <summary>The pacing; a reload's new value applies from the next burst or refresh round.</summary>
    public GarpOptions Options
    {
        get { lock (_gate) { return _options; } }
        set { lock (_gate) { _options = value; } }
    }

    /// <summary>Frames sent since start, over all bursts.</summary>
    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>Frames whose send failed (the round is retried, see <see cref="MaxRetries"/>).</summary>
    public long SendErrors => Interlocked.Read(ref _sendErrors);

    /// <summary>A burst's rounds that failed are sent again, at the burst's interval, at most this often.</summary>
    public const int MaxRetries = 5;

    /// <summary>True while a burst or a refresh is scheduled.</summary>
    public bool Active
    {
        get { lock (_gate) { return _timer is not null; } }
    }

    /// <summary>
    /// Builds the frames ahead of time: a backup that becomes master must not spend its first milliseconds
    /// as master building them.
    /// </summary>
    public void Prepare(IEnumerable<IPAddress> vips)
    {
        lock (_gate)
        {
            foreach (var vip in vips)
            {
                FrameFor(vip);
            }
        }
    }

    /// <summary>
    /// Runs <see cref="Start"/> and <see cref="Stop"/> once on a scratch scheduler whose sender discards the frames,
    /// so the burst's code is compiled before the first takeover; nothing reaches the wire.
    /// </summary>
    public void WarmUp(IReadOnlyList<IPAddress> vips)
    {
        using var scratch = new GarpScheduler(new DiscardingSender(_sender.MacAddress), _options, _time);
        scratch.Start(vips);
        scratch.Stop();
    }

    /// <summary>Sends the first round now and schedules the rest; restarts a burst already running.</summary>
    public void Start(IReadOnlyList<IPAddress> vips)
    {
        lock (_gate)
        {
            StopLocked();
            _frames = vips.Select(FrameFor).ToArray();
            _roundsLeft = Math.Max(_options.Repeat, 1);
            _retriesLeft = MaxRetries;
            SendRoundLocked();
            ScheduleNextLocked();
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            StopLocked();
        }
    }

    public void Dispose() => Stop();

    private byte[] FrameFor(IPAddress vip)
    {
        if (!_frameCache.TryGetValue(vip, out var frame))
        {
            frame = vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? NeighbourAdvertisementFrame(vip)
                : GratuitousArp.Build(_sender.MacAddress, vip);
            _frameCache[vip] = frame;
        }
        return frame;
    }

    private byte[] NeighbourAdvertisementFrame(IPAddress vip)
    {
        var frame = new byte[HaDirector.Linux.Packets.NeighbourAdvertisement.Length];
        HaDirector.Linux.Packets.NeighbourAdvertisement.Write(frame, vip, _sender.MacAddress.GetAddressBytes());
        return frame;
    }

    private void OnTimer(object? state)
    {
        lock (_gate)
        {
            // A callback already queued when Stop() or a new Start() ran carries an old generation: ignore it.
            if ((long)state! != _generation || _timer is null)
            {
                return;
            }
            SendRoundLocked();
            ScheduleNextLocked();
        }
    }

    private void SendRoundLocked()
    {
        var failed = false;
        foreach (var frame in _frames)
        {
            try
            {
                _sender.Send(frame);
                Interlocked.Increment(ref _framesSent);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The other VIPs' frames still go out; the sender has logged and counted why this one did not.
                Interlocked.Increment(ref _sendErrors);
                failed = true;
            }
        }
        if (failed && _retriesLeft > 0)
        {
            // A lost announcement leaves the router on the old master's MAC: this round is sent again.
            _retriesLeft--;
            _roundsLeft = Math.Max(_roundsLeft, 1);
            return;
        }
        if (_roundsLeft > 0)
        {
            _roundsLeft--;
        }
    }

    private void ScheduleNextLocked()
    {
        _timer?.Dispose();
        _timer = null;
        var due = _roundsLeft > 0 ? _options.Interval : _options.Refresh;
        if (due <= TimeSpan.Zero)
        {
            return;
        }
        _timer = _time.CreateTimer(s => OnTimer(s), ++_generation, due, Timeout.InfiniteTimeSpan);
    }

    private void StopLocked()
    {
        _timer?.Dispose();
        _timer = null;
        _roundsLeft = 0;
        _generation++;
    }

    private sealed class DiscardingSender(System.Net.NetworkInformation.PhysicalAddress mac) : IArpSender
    {
        public System.Net.NetworkInformation.PhysicalAddress MacAddress => mac;

        public void Send(ReadOnlySpan<byte> frame)
        {
        }

        public void Dispose()
        {
        }
    }
}
