using System.Collections.Concurrent;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Scheduling;

namespace HaDirector.HealthCheck.Tests.Support;

/// <summary>Every round a scheduler reports, by target, and the threads it reported them on.</summary>
public sealed class RecordingObserver : IHealthObserver
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ProbeResult>> _results = new();
    private readonly ConcurrentDictionary<string, bool> _threads = new();

    public int Count => _results.Values.Sum(q => q.Count);

    /// <summary>The names of the threads that reported rounds.</summary>
    public List<string> Threads => [.. _threads.Keys];

    public List<ProbeResult> Results(string target) => [.. _results.GetOrAdd(target, _ => new())];

    public void OnChecked(HealthTarget target, in ProbeResult result, HealthChange change, in HealthSnapshot snapshot)
    {
        _threads.TryAdd(Thread.CurrentThread.Name ?? "(unnamed)", true);
        _results.GetOrAdd(target.Name, _ => new()).Enqueue(result);
    }
}
