namespace HaDirector.HealthCheck.Scheduling;

/// <summary>A <see cref="RoundLane{TRound}"/> as the scheduler sees it, whatever runs its attempts.</summary>
internal interface IRoundLane
{
    /// <summary>Rounds started or being reported: 0 when every target waits for its next round.</summary>
    int InProgress { get; }

    /// <summary>The target's first round is due at <paramref name="at"/> (the scheduler's time).</summary>
    void Add(HealthTarget target, TimeSpan at);

    void Start();

    /// <summary>No round starts or is reported after this; completes once the attempts in flight were abandoned.</summary>
    Task StopAsync();
}
