namespace HaDirector.HealthCheck.Scheduling;

/// <summary>A target whose probe the scheduler starts itself (<see cref="ProbeRounds"/>); its timeout source is reused from attempt to attempt.</summary>
// A source without a timer or wait handle holds nothing native, and a removed target's round is simply dropped.
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "nothing to release")]
internal sealed class ProbeRound(HealthTarget target) : ScheduledRound(target)
{
    private CancellationTokenSource timeout = new();

    /// <summary>The token of the attempt about to start: cancelled when its timeout runs out, or by a stop.</summary>
    public CancellationToken Arm()
    {
        if (!timeout.TryReset())
        {
            timeout.Dispose();
            timeout = new CancellationTokenSource();
        }

        return timeout.Token;
    }

    public void Cancel() => timeout.Cancel();
}
