using System.Net;
using HaDirector.Vrrp.Arp;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// One instance's announcements (gratuitous ARP, unsolicited NA) split by the device each address is on: a frame carries
/// its device's MAC and goes out on that device, so an address with its own <c>dev</c> is announced there, paced by the
/// same garp settings. The instance's own interface keeps its scheduler; the others are made on first use.
/// </summary>
internal sealed class DeviceAnnouncements(string ownDevice, GarpScheduler own, Func<string, GarpScheduler> create) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, GarpScheduler> _others = new(StringComparer.Ordinal);

    /// <summary>The pacing of every device's announcements.</summary>
    public GarpOptions Options
    {
        set
        {
            own.Options = value;
            lock (_gate)
            {
                foreach (var scheduler in _others.Values)
                {
                    scheduler.Options = value;
                }
            }
        }
    }

    public long FramesSent
    {
        get
        {
            lock (_gate)
            {
                return own.FramesSent + _others.Values.Sum(s => s.FramesSent);
            }
        }
    }

    /// <summary>Starts a burst for <paramref name="addresses"/> on each of their devices; a device with none stops its own.</summary>
    public void Start(IReadOnlyList<IPAddress> addresses, Func<IPAddress, string> deviceOf)
    {
        var byDevice = addresses.GroupBy(deviceOf, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        own.Start(byDevice.Remove(ownDevice, out var mine) ? mine : []);
        lock (_gate)
        {
            foreach (var (device, vips) in byDevice)
            {
                if (!_others.TryGetValue(device, out var scheduler))
                {
                    scheduler = create(device);
                    scheduler.Options = own.Options;
                    _others[device] = scheduler;
                }

                scheduler.Start(vips);
            }

            foreach (var (device, scheduler) in _others)
            {
                if (!byDevice.ContainsKey(device))
                {
                    scheduler.Stop();
                }
            }
        }
    }

    public void Stop()
    {
        own.Stop();
        lock (_gate)
        {
            foreach (var scheduler in _others.Values)
            {
                scheduler.Stop();
            }
        }
    }

    public void Dispose()
    {
        own.Dispose();
        lock (_gate)
        {
            foreach (var scheduler in _others.Values)
            {
                scheduler.Dispose();
            }

            _others.Clear();
        }
    }
}
