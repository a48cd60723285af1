using System.Net;
using System.Text;
using HaDirector.Director.Configuration;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.Director.Health;

/// <summary>Builds the probe a health-check definition asks for, against one real server.</summary>
public static class ProbeFactory
{
    /// <returns>Null for <c>type: none</c>: the real server is never checked.</returns>
    public static IProbe? Create(HealthCheckConfig check, RealServerConfig realServer)
    {
        var target = new IPEndPoint(realServer.Address, check.Port ?? realServer.Port);
        var endpoint = new ProbeEndpoint(target, check.SourceAddress);
        return check.Type switch
        {
            HealthCheckType.Tcp when check.HalfOpen => new HalfOpenProbe(endpoint),
            HealthCheckType.Tcp => new TcpProbe(
                endpoint,
                check.Send is null ? default : Encoding.Latin1.GetBytes(check.Send),
                check.Expect is null ? null : TextPattern.Compile(check.Expect)),
            HealthCheckType.Http or HealthCheckType.Https => new HttpProbe(
                HttpOptions(check, endpoint),
                [.. check.ExpectStatus],
                check.Digest is not null ? BodyCheck.WithDigest(check.Digest)
                : check.BodyRegex is not null ? BodyCheck.Matching(TextPattern.Compile(check.BodyRegex))
                : null),
            HealthCheckType.Exec => new ExecProbe(check.Command ?? "false", target, check.DynamicWeight),
            HealthCheckType.Agent => check.AgentProtocol == AgentProtocol.Http ? new AgentProbe(HttpOptions(check, endpoint)) : new AgentProbe(endpoint),
            _ => null,
        };
    }

    private static HttpGetOptions HttpOptions(HealthCheckConfig check, ProbeEndpoint endpoint) => new()
    {
        Endpoint = endpoint,
        Path = check.Path,
        Host = check.Host,
        Tls = check.Type == HealthCheckType.Https,
        Sni = check.Sni,
        VerifyCertificate = check.TlsVerify,
    };
}
