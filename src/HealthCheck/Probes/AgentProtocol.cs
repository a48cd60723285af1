namespace HaDirector.HealthCheck.Probes;

/// <summary>How the agent on a real server is asked: HAProxy's plain TCP line, or an HTTP GET whose body is that line.</summary>
public enum AgentProtocol
{
    Tcp,
    Http,
}
