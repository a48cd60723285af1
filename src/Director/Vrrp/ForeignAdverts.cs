using System.Net;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// The adverts one interface dropped, by sender, VRID, version and reason: the latest few for <c>status</c>, and when
/// each may be logged again. RFC 5798 §7.1 asks to log such drops, RFC 9568 §7.1 to rate-limit that log: a
/// misconfigured peer advertises every second, and one line a minute per kind (with how many were not logged) is
/// enough to find it.
/// </summary>
public sealed class ForeignAdverts(TimeProvider time, int capacity = 16)
{
    /// <summary>At most one log line per sender, VRID, version and reason in this time.</summary>
    public static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);

    /// <summary>A claim on our VIP heard within this time is a live split brain (status warns).</summary>
    public static readonly TimeSpan ClaimWindow = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<Key, Entry> _entries = [];

    /// <summary>
    /// Records one dropped advert. Returns null when it must not be logged now, else how many of its kind were not
    /// logged since the last line (0 for the first).
    /// </summary>
    public long? Record(IPAddress source, int vrid, VrrpVersion version, VrrpDropReason reason, IPAddress? claimed)
    {
        var now = time.GetUtcNow();
        var key = new Key(source, vrid, (int)version, reason);
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                if (_entries.Count >= capacity)
                {
                    _entries.Remove(_entries.MinBy(e => e.Value.LastSeen).Key);
                }

                entry = new Entry { FirstSeen = now };
                _entries[key] = entry;
            }

            entry.Claimed = claimed ?? entry.Claimed;
            return entry.Hit(now, LogEvery);
        }
    }

    /// <summary>The latest kinds of dropped advert, most recent first.</summary>
    public IReadOnlyList<ForeignAdvert> Recent
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.OrderByDescending(e => e.Value.LastSeen).Select(e => new ForeignAdvert(
                    e.Key.Source, e.Key.Vrid, e.Key.Version, e.Key.Reason, e.Value.Claimed, e.Value.Count, e.Value.FirstSeen, e.Value.LastSeen))];
            }
        }
    }

    private readonly record struct Key(IPAddress Source, int Vrid, int Version, VrrpDropReason Reason);

    private sealed class Entry : SeenRecord
    {
        public IPAddress? Claimed { get; set; }
    }
}
