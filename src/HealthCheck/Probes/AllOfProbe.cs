namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// Several probes that must all pass, as keepalived's HTTP_GET with several <c>url</c> blocks: run at once (so the
/// check's one timeout bounds each, not their sum), down with the first failure in the given order, named by its label.
/// </summary>
public sealed class AllOfProbe : IProbe
{
    private readonly (string Label, IProbe Probe)[] _parts;

    public AllOfProbe(IReadOnlyList<(string Label, IProbe Probe)> parts)
    {
        ArgumentOutOfRangeException.ThrowIfZero(parts.Count);
        _parts = [.. parts];
    }

    public async ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var running = new Task<ProbeResult>[_parts.Length];
        for (var i = 0; i < running.Length; i++)
        {
            running[i] = _parts[i].Probe.ProbeAsync(cancellationToken).AsTask();
        }

        // Each part never throws (IProbe's contract), so WhenAll cannot either.
        var results = await Task.WhenAll(running);
        for (var i = 0; i < results.Length; i++)
        {
            if (!results[i].Up)
            {
                return ProbeResult.Failure($"{_parts[i].Label}: {results[i].Reason}");
            }
        }

        return results.Length == 1
            ? results[0]
            : ProbeResult.Success(string.Join(", ", _parts.Select((p, i) => $"{p.Label}: {results[i].Reason}")));
    }
}
