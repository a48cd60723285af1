using System.Diagnostics;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Kernel;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Bench.Ipvs;

/// <summary>
/// Wraps the real kernel and notes what the reconciler asked of it: when the first write went out and
/// the last one was answered, how many edits of which kind, and how long the dumps took.
/// </summary>
public sealed class TimedKernel(IIpvsKernel inner) : IIpvsKernel
{
    public long FirstRequest { get; private set; }

    public long LastAck { get; private set; }

    public int Writes { get; private set; }

    public int FailedWrites { get; private set; }

    /// <summary>Edits by <see cref="IpvsOperationKind"/>: an array, because a dictionary keyed by an enum is JIT-compiled inside the timed window.</summary>
    public int[] WritesByKind { get; } = new int[(int)IpvsOperationKind.DeleteDestination + 1];

    public long DumpTicks { get; private set; }

    /// <summary>Wall-clock microseconds (<see cref="Child.NowUs"/>) of the first dump request, the first write and the last ACK: the child's phases.</summary>
    public long FirstDumpUs { get; private set; }

    public long FirstRequestUs { get; private set; }

    public long LastAckUs { get; private set; }

    public int Dumps { get; private set; }

    private long _dumpStarted;

    public void Reset()
    {
        FirstRequest = LastAck = DumpTicks = 0;
        Writes = FailedWrites = Dumps = 0;
        Array.Clear(WritesByKind);
    }

    public IReadOnlyList<IpvsServiceEntry> GetServices()
    {
        _dumpStarted = Stopwatch.GetTimestamp();
        if (FirstDumpUs == 0)
        {
            FirstDumpUs = Child.NowUs();
        }

        Dumps++;
        var services = inner.GetServices();
        DumpTicks += Stopwatch.GetTimestamp() - _dumpStarted;
        return services;
    }

    public IReadOnlyList<IpvsDestinationEntry> GetDestinations(IpvsService service)
    {
        var started = Stopwatch.GetTimestamp();
        var destinations = inner.GetDestinations(service);
        DumpTicks += Stopwatch.GetTimestamp() - started;
        return destinations;
    }

    /// <summary>Called once, just before the first batch goes to the kernel (the half-way kills time from it).</summary>
    public Action? BeforeFirstBatch { get; set; }

    public IReadOnlyList<IpvsOperationResult> Execute(IpvsBatch batch)
    {
        var started = Stopwatch.GetTimestamp();
        if (FirstRequest == 0)
        {
            FirstRequest = started;
            FirstRequestUs = Child.NowUs();
            BeforeFirstBatch?.Invoke();
        }

        var results = inner.Execute(batch);
        LastAck = Stopwatch.GetTimestamp();
        LastAckUs = Child.NowUs();
        Writes += batch.Count;
        foreach (var result in results)
        {
            WritesByKind[(int)result.Operation.Kind]++;
            if (result.Error is not null)
            {
                FailedWrites++;
            }
        }

        return results;
    }

    public IReadOnlyList<IpvsSyncDaemon> GetDaemons() => inner.GetDaemons();

    public void StartDaemon(IpvsSyncDaemon daemon) => inner.StartDaemon(daemon);

    public void StopDaemon(IpvsSyncState state) => inner.StopDaemon(state);

    public double ProgrammingMs => FirstRequest == 0 ? 0 : Stopwatch.GetElapsedTime(FirstRequest, LastAck).TotalMilliseconds;

    public double DumpMs => TimeSpan.FromTicks(DumpTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency).TotalMilliseconds;

    public string KindsText => string.Join(" ", Enumerable.Range(0, WritesByKind.Length).Where(k => WritesByKind[k] > 0).Select(k => $"{(IpvsOperationKind)k}={WritesByKind[k]}"));
}
