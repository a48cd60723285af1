namespace HaDirector.HealthCheck.Scheduling;

/// <summary>One target's place in a <see cref="RoundBook"/>: where its round stands, kept from round to round.</summary>
internal class ScheduledRound(HealthTarget target)
{
    public HealthTarget Target => target;

    // The target's timing, copied here: the book reads it for every attempt of every target, and one object
    // less to load per attempt keeps its loops in cache.
    public TimeSpan Interval { get; } = target.Timing.Interval;

    public TimeSpan Timeout { get; } = target.Timing.Timeout;

    public int Retry { get; } = target.Timing.Retry;

    public TimeSpan RetryDelay { get; } = target.Timing.RetryDelay;

    /// <summary>When the current round came due: the next one is due an interval later, whatever its attempts took.</summary>
    public TimeSpan RoundStart { get; set; }

    /// <summary>Failed attempts of the current round so far (retries).</summary>
    public int Attempt { get; set; }

    /// <summary>Sent and not answered yet.</summary>
    public bool InFlight { get; set; }

    /// <summary>Counts attempts, so a deadline left from an earlier attempt is told from the current one's.</summary>
    public int Sequence { get; set; }

    /// <summary>The current attempt was given another timeout because its deadline was looked at late (the process was behind).</summary>
    public bool Graced { get; set; }

    /// <summary>The book's deadline queue of this round's timeout, found once.</summary>
    public DeadlineQueue? Deadlines { get; set; }
}
