namespace HaDirector.Director.Configuration;

/// <summary>The <c>logging</c> section.</summary>
public sealed record LoggingConfig
{
    public LogFormat Format { get; init; } = LogFormat.Text;
}
