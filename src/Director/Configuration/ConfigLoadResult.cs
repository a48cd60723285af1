namespace HaDirector.Director.Configuration;

/// <summary>What <see cref="ConfigLoader"/> found: a configuration only when there is not a single error.</summary>
/// <param name="Sources">Where each value sits, for errors found after loading.</param>
public sealed record ConfigLoadResult(DirectorConfig? Config, IReadOnlyList<ConfigError> Errors, ConfigSourceMap Sources)
{
    public bool Succeeded => Config is not null;
}
