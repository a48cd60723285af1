namespace HaDirector.Director.Configuration;

/// <summary>What <see cref="ConfigLoader"/> found: a configuration only when there is not a single error.</summary>
public sealed record ConfigLoadResult(DirectorConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    public bool Succeeded => Config is not null;
}
