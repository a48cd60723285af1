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

    // The deadlines, a FIFO per distinct timeout: an attempt's deadline is the time it was taken plus its timeout,
    // and that time only moves on, so each queue is already in deadline order and no heap is needed (the heap
    // was a quarter of the book's cost at 10,000 connects a second). Targets share a handful of timeouts at most.
    // An entry per attempt sent; one whose attempt was answered first is dropped when it comes up.
    private readonly List<DeadlineQueue> _deadlines = [];

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
            foreach (var queue in _deadlines)
            {
                if (queue.TryPeek(out var deadline) && deadline < next)
                {
                    next = deadline;
                }
            }

            return next;
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
            round.Graced = false;
            InProgress++;
            Deadlines(round).Enqueue(round, now + round.Timeout);
            start.Add(round);
        }

        Held = false;
    }

    /// <summary>Attempts still in flight whose timeout ran out by <paramref name="now"/>; the caller finishes each as timed out.</summary>
    /// <param name="tolerance">
    /// A deadline looked at more than this after it ran out was looked at late: the caller was behind (a loaded
    /// machine, a backlog of its own), and the attempt's answer may be waiting unread behind the same backlog. Such an
    /// attempt gets one more timeout from now instead; it times out when that one runs out unanswered. Once per attempt,
    /// so a silent server still fails on a machine that stays behind. Zero: every deadline is judged as it comes.
    /// </param>
    /// <param name="late">How late the latest deadline given another timeout was looked at.</param>
    /// <returns>Attempts given another timeout.</returns>
    public int TakeExpired(TimeSpan now, List<ScheduledRound> expired, TimeSpan tolerance, out TimeSpan late)
    {
        var graced = 0;
        late = TimeSpan.Zero;
        foreach (var queue in _deadlines)
        {
            while (queue.TryPeek(out var at) && at <= now)
            {
                var (round, sequence) = queue.Dequeue();
                if (!round.InFlight || round.Sequence != sequence)
                {
                    continue;
                }

                if (tolerance > TimeSpan.Zero && now - at > tolerance && !round.Graced)
                {
                    round.Graced = true;
                    graced++;
                    late = now - at > late ? now - at : late;
                    queue.Enqueue(round, now + round.Timeout);
                    continue;
                }

                expired.Add(round);
            }
        }

        return graced;
    }

    /// <summary>As <see cref="TakeExpired(TimeSpan, List{ScheduledRound}, TimeSpan, out TimeSpan)"/>, every deadline judged as it comes.</summary>
    public void TakeExpired(TimeSpan now, List<ScheduledRound> expired) => TakeExpired(now, expired, TimeSpan.Zero, out _);

    /// <summary>Every attempt in flight, for a stop: none is answered after it.</summary>
    public void TakeInFlight(List<ScheduledRound> inFlight)
    {
        foreach (var queue in _deadlines)
        {
            while (queue.TryPeek(out _))
            {
                var (round, sequence) = queue.Dequeue();
                if (round.InFlight && round.Sequence == sequence)
                {
                    round.InFlight = false;
                    InProgress--;
                    inFlight.Add(round);
                }
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

    private DeadlineQueue Deadlines(ScheduledRound round)
    {
        if (round.Deadlines is { } known)
        {
            return known;
        }

        foreach (var queue in _deadlines)
        {
            if (queue.Timeout == round.Timeout)
            {
                return round.Deadlines = queue;
            }
        }

        var added = new DeadlineQueue(round.Timeout);
        _deadlines.Add(added);
        return round.Deadlines = added;
    }
}
