namespace HaDirector.HealthCheck.Scheduling;

/// <summary>A target whose probe the scheduler starts itself (<see cref="ProbeRounds"/>); its timeout source is reused from attempt to attempt.</summary>
// A source without a timer or wait handle holds nothing native, and a removed target's round is simply dropped.
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "nothing to release")]
internal sealed class ProbeRound(HealthTarget target) : ScheduledRound(target)
{
    private readonly Lock _gate = new();
    private CancellationTokenSource _timeout = new();
    private int _armed;

    // Set when a timeout or a stop took the source: it may still be cancelling on another thread, so the next
    // attempt gets a new one instead of a reset of it (a late cancel must not reach a later attempt).
    private bool _condemned;

    /// <summary>The token of attempt <paramref name="sequence"/>, about to start: cancelled when its timeout runs out, or by a stop.</summary>
    public CancellationToken Arm(int sequence)
    {
        lock (_gate)
        {
            if (_condemned || !_timeout.TryReset())
            {
                _timeout = new CancellationTokenSource();
                _condemned = false;
            }

            _armed = sequence;
            return _timeout.Token;
        }
    }

    /// <summary>Attempt <paramref name="sequence"/> timed out: cancels it, unless it answered and a later attempt is armed.</summary>
    public void Expire(int sequence) => Take(sequence)?.Cancel();

    /// <summary>The lane stops: cancels whatever attempt is armed.</summary>
    public void Cancel() => Take(null)?.Cancel();

    private CancellationTokenSource? Take(int? sequence)
    {
        lock (_gate)
        {
            if (sequence is { } attempt && attempt != _armed)
            {
                return null;
            }

            _condemned = true;
            return _timeout;
        }
    }
}
