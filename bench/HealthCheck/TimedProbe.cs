using System.Collections.Concurrent;
using System.Diagnostics;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.Bench.HealthCheck;

/// <summary>Wraps a real probe to count checks and stamp when each one returned, for the fall → sink latency.</summary>
internal sealed class TimedProbe(IProbe inner) : IProbe
{
    private static long checks;
    private static long failures;

    public static long Checks => Interlocked.Read(ref checks);

    public static long Failures => Interlocked.Read(ref failures);

    /// <summary>Failed checks by reason: a starved checker times out, a broken farm refuses.</summary>
    public static ConcurrentDictionary<string, long> FailureReasons { get; } = new();

    public long LastReturned;

    public async ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var result = await inner.ProbeAsync(cancellationToken);
        Interlocked.Increment(ref checks);
        if (!result.Up)
        {
            Interlocked.Increment(ref failures);
            FailureReasons.AddOrUpdate(result.Reason, 1, static (_, n) => n + 1);
        }

        Volatile.Write(ref LastReturned, Stopwatch.GetTimestamp());
        return result;
    }
}
