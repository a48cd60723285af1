using HaDirector.Director.Configuration;

namespace HaDirector.Director.Control;

/// <summary>The configuration in force and the file it came from; a reload replaces it only when valid.</summary>
public sealed class RunningConfig(string path, DirectorConfig initial)
{
    private DirectorConfig _current = initial;

    public string Path { get; } = path;

    public DirectorConfig Current => Volatile.Read(ref _current);

    /// <summary>What the daemon started with: metrics, control and logging stay so until the next start.</summary>
    public DirectorConfig Started { get; } = initial;

    public void Replace(DirectorConfig config) => Volatile.Write(ref _current, config);
}
