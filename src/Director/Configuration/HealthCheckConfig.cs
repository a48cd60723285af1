using System.Net;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.Director.Configuration;

/// <summary>How a virtual server's real servers are probed; absent in YAML means a TCP connect check.</summary>
public sealed record HealthCheckConfig
{
    public HealthCheckType Type { get; init; } = HealthCheckType.Tcp;

    /// <summary>HTTP(S) request path.</summary>
    public string Path { get; init; } = "/";

    /// <summary>HTTP(S) Host header; null: the real server's address.</summary>
    public string? Host { get; init; }

    public ValueList<StatusCodeRange> ExpectStatus { get; init; } = [new StatusCodeRange(200, 299)];

    /// <summary>Already checked to compile.</summary>
    public string? BodyRegex { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive successes before a down server is up again.</summary>
    public int Rise { get; init; } = 2;

    /// <summary>Consecutive failures before an up server is down.</summary>
    public int Fall { get; init; } = 3;

    /// <summary>Extra attempts within one round before it counts as a failure.</summary>
    public int Retry { get; init; }

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The service's; a real server may override it (<see cref="RealServerConfig.OnFailure"/>).</summary>
    public FailureAction OnFailure { get; init; } = FailureAction.Remove;

    /// <summary>The exec check's command line.</summary>
    public string? Command { get; init; }

    /// <summary>Null: the real server's port (an agent check must name its agent's).</summary>
    public int? Port { get; init; }

    /// <summary>TCP check: bytes sent after connecting (YAML escapes like <c>\r\n</c> work in double quotes).</summary>
    public string? Send { get; init; }

    /// <summary>TCP check: a pattern the reply must match. Already checked to compile.</summary>
    public string? Expect { get; init; }

    /// <summary>
    /// TCP check: a SYN from a raw socket instead of a connect (F5's tcp_half_open); up on SYN-ACK. Proves the
    /// kernel accepts on the port, not the application; never with send or expect.
    /// </summary>
    public bool HalfOpen { get; init; }

    /// <summary>HTTP(S): the body's MD5 (32 hex digits, keepalived's genhash) or SHA-256 (64); lower case.</summary>
    public string? Digest { get; init; }

    /// <summary>HTTPS: the TLS server name; null: the host header's name.</summary>
    public string? Sni { get; init; }

    /// <summary>HTTPS: check the certificate chain and name. Off for self-signed real servers.</summary>
    public bool TlsVerify { get; init; } = true;

    /// <summary>Exec: the exit code sets the weight as keepalived's misc_dynamic (2..255 → code − 2).</summary>
    public bool DynamicWeight { get; init; }

    /// <summary>How the agent is asked: one line over TCP (HAProxy's agent-check), or the 2xx body of a GET of <c>path</c>.</summary>
    public AgentProtocol AgentProtocol { get; init; } = AgentProtocol.Tcp;

    /// <summary>
    /// HTTP(S): several URLs, each of which must pass; empty: the one URL of <see cref="Path"/>,
    /// <see cref="ExpectStatus"/>, <see cref="Digest"/> and <see cref="BodyRegex"/>.
    /// </summary>
    public ValueList<HttpUrlConfig> Urls { get; init; } = [];

    /// <summary>The local address probes connect from; null: the kernel's choice by route.</summary>
    public IPAddress? SourceAddress { get; init; }
}
