namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// When a target is probed: every <see cref="Interval"/>; a failed attempt is tried again up to
/// <see cref="Retry"/> times, <see cref="RetryDelay"/> apart, before the round counts as one failure.
/// </summary>
public sealed record CheckTiming
{
    public CheckTiming(TimeSpan interval, TimeSpan timeout, int retry = 0, TimeSpan retryDelay = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(retry);
        ArgumentOutOfRangeException.ThrowIfLessThan(retryDelay, TimeSpan.Zero);
        Interval = interval;
        Timeout = timeout;
        Retry = retry;
        RetryDelay = retryDelay;
    }

    public TimeSpan Interval { get; }

    public TimeSpan Timeout { get; }

    public int Retry { get; }

    public TimeSpan RetryDelay { get; }
}
