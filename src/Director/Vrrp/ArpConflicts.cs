using System.Net;
using System.Net.NetworkInformation;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// The address conflicts one interface saw (another MAC sending ARP for one of our VIPs while we are master), by VIP and
/// MAC: the latest few for <c>status</c>, and when each may be logged again (one line a minute per VIP and MAC, as the
/// dropped adverts of <see cref="ForeignAdverts"/>: the other host answers every ARP request on the link).
/// </summary>
public sealed class ArpConflicts(TimeProvider time, int capacity = 16)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(IPAddress Vip, PhysicalAddress Mac), Entry> _entries = [];

    /// <summary>
    /// Records one conflicting frame. Returns null when it must not be logged now, else how many were not logged since
    /// the last line (0 for the first).
    /// </summary>
    public long? Record(string instance, IPAddress vip, PhysicalAddress mac)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_entries.TryGetValue((vip, mac), out var entry))
            {
                if (_entries.Count >= capacity)
                {
                    _entries.Remove(_entries.MinBy(e => e.Value.LastSeen).Key);
                }

                entry = new Entry { FirstSeen = now };
                _entries[(vip, mac)] = entry;
            }

            entry.Instance = instance;
            return entry.Hit(now, ForeignAdverts.LogEvery);
        }
    }

    /// <summary>The latest conflicts, most recent first.</summary>
    public IReadOnlyList<ArpConflict> Recent
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.OrderByDescending(e => e.Value.LastSeen).Select(e => new ArpConflict(
                    e.Value.Instance, e.Key.Vip, e.Key.Mac, e.Value.Count, e.Value.FirstSeen, e.Value.LastSeen))];
            }
        }
    }

    private sealed class Entry : SeenRecord
    {
        public string Instance { get; set; } = "";
    }
}
