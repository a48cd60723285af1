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

    /// <summary>An IPv6 address in brackets, without its zone (RFC 9110 §7.2 and RFC 3986 §3.2.2).</summary>
    /// <remarks>A configured host that is a bare IPv6 address gets its brackets too: "2001:db8::1" is no valid Host.</remarks>
    internal string HostHeader => Host is null
        ? HostOf(Endpoint.Target, Tls ? 443 : 80)
        : System.Net.IPAddress.TryParse(Host, out var literal) && literal.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !Host.StartsWith('[')
            ? $"[{literal}]"
            : Host;

    private static string HostOf(System.Net.IPEndPoint target, int defaultPort)
    {
        var address = target.Address;
        var text = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{new System.Net.IPAddress(address.GetAddressBytes())}]"
            : address.ToString();
        return target.Port == defaultPort ? text : $"{text}:{target.Port}";
    }
}
