namespace HaDirector.Director.Vrrp;

/// <summary>
/// How often one kind of unwelcome packet was seen, and when it may be logged again: one line a minute per kind, with
/// how many were not logged (RFC 9568 §7.1 asks to rate-limit such logs; the sender repeats every second).
/// </summary>
public class SeenRecord
{
    private long _suppressed;
    private DateTimeOffset? _loggedAt;

    public long Count { get; private set; }

    public DateTimeOffset FirstSeen { get; init; }

    public DateTimeOffset LastSeen { get; private set; }

    /// <summary>Counts one more; null when it must not be logged now, else how many were not logged since the last line.</summary>
    public long? Hit(DateTimeOffset now, TimeSpan logEvery)
    {
        Count++;
        LastSeen = now;
        // A wall clock stepped back (now before the last line) logs at once instead of staying quiet until it catches up.
        if (_loggedAt is { } logged && now >= logged && now - logged < logEvery)
        {
            _suppressed++;
            return null;
        }

        var suppressed = _suppressed;
        _suppressed = 0;
        _loggedAt = now;
        return suppressed;
    }
}
