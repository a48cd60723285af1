namespace HaDirector.Director.Configuration;

/// <summary>How an agent check asks the real server's agent (<c>healthCheck.agentProtocol</c>).</summary>
public enum AgentCheckProtocol
{
    /// <summary>Connect and read one line, as HAProxy's agent-check does.</summary>
    Tcp,

    /// <summary>GET <c>path</c>; a 2xx body is the agent's line.</summary>
    Http,
}
