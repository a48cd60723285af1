using System.Net;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// The first seconds of a new master (<c>ipvs.syncDaemon.takeoverGrace</c>). A connection that was in flight
/// when the VIP moved reaches us before the old master's sync daemon has announced it (the kernel sends its
/// buffer every 2 s), so IPVS lets the segment through and the local TCP stack would reset it. Meanwhile a
/// silent listener on each TCP virtual service drops such segments instead: the client retransmits, and
/// the retransmission meets the connection entry once it has arrived. After the grace the listeners close,
/// and a segment nobody knows is reset again, as before, so a client of a truly lost connection learns it at once.
/// </summary>
public sealed partial class TakeoverGrace(TimeSpan grace, TimeProvider time, Func<IPEndPoint, IDisposable> openListener, ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Window> _open = new(StringComparer.Ordinal);

    public TimeSpan Grace => grace;

    /// <summary>
    /// Opens the instance's silent listeners (TCP services with a port; firewall-mark and port-0 services have
    /// no one address to listen on) and holds them until <see cref="Arm"/> starts the grace or <see cref="End(string)"/>.
    /// Call before the VIP goes up.
    /// </summary>
    public void Begin(string instance, IEnumerable<ServiceKey> services)
    {
        if (grace <= TimeSpan.Zero)
        {
            return;
        }

        var listeners = new List<IDisposable>();
        foreach (var service in services)
        {
            if (service.IsFirewallMark || service.Port == 0 || service.Protocol != HaDirector.Linux.Netlink.Ipvs.IpvsProtocol.Tcp || service.Address is null)
            {
                continue;
            }

            var endPoint = new IPEndPoint(service.Address, service.Port);
            try
            {
                listeners.Add(openListener(endPoint));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Something local already listens there: its segments are reset as without the grace.
                LogListenerFailed(logger, instance, endPoint, ex.Message);
            }
        }

        var window = new Window(listeners);
        lock (_gate)
        {
            if (_open.Remove(instance, out var previous))
            {
                previous.Dispose();
            }

            _open[instance] = window;
        }
    }

    /// <summary>Starts the grace of the instance's listeners: call when its VIP goes up.</summary>
    public void Arm(string instance)
    {
        int count;
        lock (_gate)
        {
            if (!_open.TryGetValue(instance, out var window) || window.Timer is not null)
            {
                return;
            }

            window.Timer = time.CreateTimer(_ => End(instance, window), null, grace, Timeout.InfiniteTimeSpan);
            count = window.Listeners.Count;
        }

        LogBegun(logger, instance, count, grace.TotalSeconds);
    }

    /// <summary>Opens and closes one listener on the loopback, so the first takeover does not pay for first use.</summary>
    public void WarmUp()
    {
        if (grace > TimeSpan.Zero)
        {
            openListener(new IPEndPoint(IPAddress.Loopback, 0)).Dispose();
        }
    }

    /// <summary>Closes the instance's listeners now (it left master, or the daemon stops).</summary>
    public void End(string instance)
    {
        lock (_gate)
        {
            if (_open.Remove(instance, out var window))
            {
                window.Dispose();
            }
        }
    }

    public void EndAll()
    {
        lock (_gate)
        {
            foreach (var window in _open.Values)
            {
                window.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>How many listeners are open now (status and tests).</summary>
    public int OpenListeners
    {
        get
        {
            lock (_gate)
            {
                return _open.Values.Sum(w => w.Listeners.Count);
            }
        }
    }

    private void End(string instance, Window expired)
    {
        lock (_gate)
        {
            // A newer window of the same instance (a second takeover) has its own timer.
            if (!_open.TryGetValue(instance, out var window) || window != expired)
            {
                return;
            }

            _open.Remove(instance);
            window.Dispose();
        }

        LogEnded(logger, instance);
    }

    private sealed class Window(List<IDisposable> listeners) : IDisposable
    {
        public List<IDisposable> Listeners => listeners;

        public ITimer? Timer { get; set; }

        public void Dispose()
        {
            Timer?.Dispose();
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }

            listeners.Clear();
        }
    }

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information,
        Message = "{Instance}: for {Seconds} s, segments of connections not synced yet are dropped, not reset ({Count} TCP services)")]
    private static partial void LogBegun(ILogger logger, string instance, int count, double seconds);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Debug, Message = "{Instance}: takeover grace over")]
    private static partial void LogEnded(ILogger logger, string instance);

    [LoggerMessage(EventId = 2113, Level = LogLevel.Warning,
        Message = "{Instance}: cannot hold {EndPoint} during the takeover grace ({Message}); its unsynced connections are reset")]
    private static partial void LogListenerFailed(ILogger logger, string instance, IPEndPoint endPoint, string message);
}
