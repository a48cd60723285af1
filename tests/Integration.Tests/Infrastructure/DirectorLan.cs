namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>
/// A <see cref="LanTopology"/> with the directors a test starts on it: disposed together, and one place that
/// gathers every director's output for a failure message.
/// </summary>
public sealed class DirectorLan(params string[] hosts) : IDisposable
{
    private readonly List<DirectorProcess> _directors = [];

    public LanTopology Lan { get; } = new(hosts);

    public LanHost this[string name] => Lan[name];

    /// <summary>Starts `hadirector run` on <paramref name="host"/> with <paramref name="yaml"/>.</summary>
    public DirectorProcess Start(LanHost host, string yaml)
    {
        var director = new DirectorProcess(host, yaml);
        _directors.Add(director);
        return director;
    }

    public string Diagnostics() => string.Join(Environment.NewLine, _directors.Select(p => p.Process.Output));

    public void Dispose()
    {
        foreach (var d in _directors)
        {
            d.Dispose();
        }
        Lan.Dispose();
    }
}
