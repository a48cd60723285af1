namespace HaDirector.HealthCheck.Scheduling;

/// <summary>One target's place in a <see cref="RoundBook"/>: where its round stands, kept from round to round.</summary>
internal class ScheduledRound(HealthTarget target)
{
    public HealthTarget Target => target;

    /// <summary>When the current round came due: the next one is due an interval later, whatever its attempts took.</summary>
    public TimeSpan RoundStart { get; set; }

    /// <summary>Failed attempts of the current round so far (retries).</summary>
    public int Attempt { get; set; }

    /// <summary>Sent and not answered yet.</summary>
    public bool InFlight { get; set; }

    /// <summary>Counts attempts, so a deadline left from an earlier attempt is told from the current one's.</summary>
    public int Sequence { get; set; }
}
