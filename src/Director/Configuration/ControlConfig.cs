namespace HaDirector.Director.Configuration;

/// <summary>The Unix socket the CLI verbs talk to.</summary>
public sealed record ControlConfig
{
    public string Socket { get; init; } = "/run/hadirector/control.sock";
}
