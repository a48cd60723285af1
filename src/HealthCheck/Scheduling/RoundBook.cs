namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// The timing rules of every health check, for every probe kind: which attempts start now, which ran out of
/// time, and when each target comes due again. Rounds keep their interval grid, a failed attempt is retried
/// after the retry delay before the round counts, at most <c>limit</c> attempts are in flight (the rest wait
/// in due order), and the next round is scheduled only once the last one was reported.
/// </summary>
/// <remarks>Pure: no clock and no lock; the caller (a <see cref="RoundLane{TRound}"/>) passes the time and holds its own lock.</remarks>
internal sealed class RoundBook(int limit = int.MaxValue)
{
    private readonly PriorityQueue<ScheduledRound, TimeSpan> _due = new();

    // An entry per attempt sent; one whose attempt was answered first is dropped when it comes up.
    private readonly PriorityQueue<(ScheduledRound Round, int Sequence), TimeSpan> _deadlines = new();

    /// <summary>Rounds taken and not yet <see cref="Done"/> (nor waiting for a retry).</summary>
    public int InProgress { get; private set; }

    /// <summary>The last <see cref="TakeDue"/> left due attempts waiting for a free slot: take them as soon as one frees.</summary>
    public bool Held { get; private set; }

    /// <summary>The earliest time something is due or runs out; <see cref="TimeSpan.MaxValue"/> when nothing is waiting.</summary>
    public TimeSpan NextWake
    {
        get
        {
            var next = _due.TryPeek(out _, out var at) ? at : TimeSpan.MaxValue;
            return _deadlines.TryPeek(out _, out var deadline) && deadline < next ? deadline : next;
        }
    }

    public void Add(ScheduledRound round, TimeSpan at) => _due.Enqueue(round, at);

    /// <summary>
    /// Attempts due by <paramref name="now"/>, in order, while fewer than the limit are in flight; each is then in
    /// flight until its timeout. Removed targets are dropped.
    /// </summary>
    public void TakeDue(TimeSpan now, List<ScheduledRound> start)
    {
        while (_due.TryPeek(out var round, out var at) && at <= now)
        {
            if (InProgress >= limit)
            {
                Held = true;
                return;
            }

            _due.Dequeue();
            if (round.Target.Removed)
            {
                continue;
            }

            if (round.Attempt == 0)
            {
                round.RoundStart = at;
            }

            round.Sequence++;
            round.InFlight = true;
            InProgress++;
            _deadlines.Enqueue((round, round.Sequence), now + round.Timeout);
            start.Add(round);
        }

        Held = false;
    }

    /// <summary>Attempts still in flight whose timeout ran out by <paramref name="now"/>; the caller finishes each as timed out.</summary>
    public void TakeExpired(TimeSpan now, List<ScheduledRound> expired)
    {
        while (_deadlines.TryPeek(out var entry, out var at) && at <= now)
        {
            _deadlines.Dequeue();
            if (entry.Round.InFlight && entry.Round.Sequence == entry.Sequence)
            {
                expired.Add(entry.Round);
            }
        }
    }

    /// <summary>Every attempt in flight, for a stop: none is answered after it.</summary>
    public void TakeInFlight(List<ScheduledRound> inFlight)
    {
        while (_deadlines.TryDequeue(out var entry, out _))
        {
            if (entry.Round.InFlight && entry.Round.Sequence == entry.Sequence)
            {
                entry.Round.InFlight = false;
                InProgress--;
                inFlight.Add(entry.Round);
            }
        }
    }

    /// <summary>An attempt's answer.</summary>
    /// <returns>
    /// True when the round is over: report its result, then call <see cref="Done"/>. False when a failed attempt
    /// is tried again: it is queued for now + the retry delay, and nothing is reported.
    /// </returns>
    public bool Finish(ScheduledRound round, bool up, TimeSpan now)
    {
        round.InFlight = false;
        if (!up && round.Attempt < round.Retry)
        {
            round.Attempt++;
            InProgress--;
            _due.Enqueue(round, now + round.RetryDelay);
            return false;
        }

        round.Attempt = 0;
        return true;
    }

    /// <summary>After the report: the next round is due an interval after this one was, or now if it overran.</summary>
    public void Done(ScheduledRound round, TimeSpan now)
    {
        InProgress--;
        if (!round.Target.Removed)
        {
            var next = round.RoundStart + round.Interval;
            _due.Enqueue(round, next > now ? next : now);
        }
    }
}
