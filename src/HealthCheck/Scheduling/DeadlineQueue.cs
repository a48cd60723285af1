namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// The deadlines of the attempts of one timeout, in the order they were taken, which is deadline order: a
/// <see cref="RoundBook"/> keeps one per distinct timeout instead of one heap for all.
/// </summary>
internal sealed class DeadlineQueue(TimeSpan timeout)
{
    private readonly Queue<(ScheduledRound Round, int Sequence, TimeSpan At)> _entries = new();
    private TimeSpan _last = TimeSpan.MinValue;

    public TimeSpan Timeout => timeout;

    /// <summary>
    /// Never before the last deadline queued: two callers may read the clock in one order and reach the book in the
    /// other, and the queue must stay in order (a deadline a few microseconds late is harmless, one passed over is not).
    /// </summary>
    public void Enqueue(ScheduledRound round, TimeSpan at)
    {
        if (at < _last)
        {
            at = _last;
        }

        _last = at;
        _entries.Enqueue((round, round.Sequence, at));
    }

    public bool TryPeek(out TimeSpan at)
    {
        if (_entries.TryPeek(out var entry))
        {
            at = entry.At;
            return true;
        }

        at = default;
        return false;
    }

    public (ScheduledRound Round, int Sequence) Dequeue()
    {
        var entry = _entries.Dequeue();
        return (entry.Round, entry.Sequence);
    }
}
