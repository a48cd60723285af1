namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// Runs probes one after another under a timeout on the injected clock, and measures their latency on it.
/// Used by one probe at a time (the scheduler pools them): its timeout source is reset and reused, so a
/// probe that finishes in time costs no timer allocation.
/// </summary>
public sealed class ProbeRunner(TimeProvider time) : IDisposable
{
    private CancellationTokenSource timeout = new(Timeout.InfiniteTimeSpan, time);

    public async ValueTask<ProbeResult> RunAsync(IProbe probe, TimeSpan limit, CancellationToken stopping = default)
    {
        if (!timeout.TryReset())
        {
            timeout.Dispose();
            timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        }

        var started = time.GetTimestamp();
        timeout.CancelAfter(limit);
        ProbeResult result;
        try
        {
            using var stop = stopping.CanBeCanceled ? stopping.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout) : default;
            result = await probe.ProbeAsync(timeout.Token);
        }
        catch (Exception e)
        {
            // IProbe promises not to throw; a probe that does anyway is a down result, never a dead worker.
            result = ProbeFailure.From(e, timeout.Token);
        }

        if (stopping.IsCancellationRequested)
        {
            result = ProbeResult.Failure(ProbeReasons.Stopped);
        }

        return result with { Latency = time.GetElapsedTime(started) };
    }

    public void Dispose() => timeout.Dispose();
}
