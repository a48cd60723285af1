using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Tests.Support;

/// <summary>
/// Runs one probe under a timeout on the injected clock and measures its latency on it, for tests of a probe
/// on its own; the daemon's timeouts are the scheduler's (<c>RoundBook</c>).
/// </summary>
public sealed class ProbeRunner(TimeProvider time) : IDisposable
{
    private CancellationTokenSource _timeout = new(Timeout.InfiniteTimeSpan, time);

    public async ValueTask<ProbeResult> RunAsync(IProbe probe, TimeSpan limit, CancellationToken stopping = default)
    {
        if (!_timeout.TryReset())
        {
            _timeout.Dispose();
            _timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        }

        var started = time.GetTimestamp();
        _timeout.CancelAfter(limit);
        ProbeResult result;
        try
        {
            using var stop = stopping.CanBeCanceled ? stopping.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _timeout) : default;
            result = await probe.ProbeAsync(_timeout.Token);
        }
        catch (Exception e)
        {
            // IProbe promises not to throw; a probe that does anyway is a down result, never a dead worker.
            result = ProbeFailure.From(e, _timeout.Token);
        }

        if (stopping.IsCancellationRequested)
        {
            result = ProbeResult.Failure(ProbeReasons.Stopped);
        }

        return result with { Latency = time.GetElapsedTime(started) };
    }

    public void Dispose() => _timeout.Dispose();
}
