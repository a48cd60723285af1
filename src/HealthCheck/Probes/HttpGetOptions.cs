namespace HaDirector.HealthCheck.Probes;

/// <summary>One HTTP(S) GET as health checks send it.</summary>
public sealed record HttpGetOptions
{
    public required ProbeEndpoint Endpoint { get; init; }

    public string Path { get; init; } = "/";

    /// <summary>Null: the target's address (and port when not the scheme's default), as a browser would send it.</summary>
    public string? Host { get; init; }

    public bool Tls { get; init; }

    /// <summary>Null: the Host header's name (.NET sends no SNI for an address).</summary>
    public string? Sni { get; init; }

    /// <summary>Off accepts any certificate: the common case of self-signed certificates on real servers.</summary>
    public bool VerifyCertificate { get; init; } = true;

    /// <summary>Bytes kept of a response; a longer one is read no further (a digest then fails).</summary>
    public int MaxResponseBytes { get; init; } = 64 * 1024;

    internal string HostHeader =>
        Host ?? ((Endpoint.Target.Port == (Tls ? 443 : 80)) ? Endpoint.Target.Address.ToString() : Endpoint.Target.ToString());
}
