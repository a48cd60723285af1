namespace HaDirector.Director.Configuration;

/// <summary>The kind of probe; none keeps every real server up.</summary>
public enum HealthCheckType
{
    Tcp,
    Http,
    Https,
    Exec,
    Agent,
    None,
}
