using System.Net;
using System.Text;
using HaDirector.Director.Configuration;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.Director.Health;

/// <summary>
/// Builds the probe a health-check definition asks for, against one real server, and owns the I/O engines the
/// probes share (the connect loop, the half-open raw socket): each is made on first use and disposed with this.
/// </summary>
public sealed class ProbeFactory : IDisposable
{
    private readonly Lock _gate = new();
    private ConnectEngine? _connect;
    private HalfOpenEngine? _halfOpen;
    private string? _halfOpenUnavailable;
    private bool _disposed;

    /// <returns>Null for <c>type: none</c>: the real server is never checked.</returns>
    public IProbe? Create(HealthCheckConfig check, RealServerConfig realServer)
    {
        var target = new IPEndPoint(realServer.Address, check.Port ?? realServer.Port);
        var endpoint = new ProbeEndpoint(target, check.SourceAddress);
        return check.Type switch
        {
            HealthCheckType.Tcp when check.HalfOpen => HalfOpen(endpoint),
            HealthCheckType.Tcp => new TcpProbe(
                endpoint,
                Connect(),
                check.Send is null ? default : Encoding.Latin1.GetBytes(check.Send),
                check.Expect is null ? null : TextPattern.Compile(check.Expect)),
            HealthCheckType.Http or HealthCheckType.Https when check.Urls.Count > 0 => new AllOfProbe(
                [.. check.Urls.Select(url => (url.Path, (IProbe)Http(check with { Path = url.Path }, endpoint, url.ExpectStatus, url.Digest, url.BodyRegex)))]),
            // One URL over plain HTTP runs on the connect engine's thread (HttpProbe); HTTPS and several URLs are awaited.
            HealthCheckType.Http => Http(check, endpoint, check.ExpectStatus, check.Digest, check.BodyRegex, Connect()),
            HealthCheckType.Https => Http(check, endpoint, check.ExpectStatus, check.Digest, check.BodyRegex),
            HealthCheckType.Exec => new ExecProbe(check.Command ?? "false", target, check.DynamicWeight),
            HealthCheckType.Agent => check.AgentProtocol == AgentProtocol.Http ? new AgentProbe(HttpOptions(check, endpoint)) : new AgentProbe(endpoint),
            _ => null,
        };
    }

    /// <summary>After the scheduler stopped: ends the engines' threads and closes their sockets.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _connect?.Dispose();
        _halfOpen?.Dispose();
    }

    private ConnectEngine Connect()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _connect ??= new ConnectEngine();
        }
    }

    /// <summary>Without the engine (no CAP_NET_RAW) the probe is made anyway and reports why on every check; tried once.</summary>
    private HalfOpenProbe HalfOpen(ProbeEndpoint endpoint)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_halfOpen is null && _halfOpenUnavailable is null)
            {
                try
                {
                    _halfOpen = new HalfOpenEngine();
                }
                catch (Exception e)
                {
                    _halfOpenUnavailable = ProbeFailure.Reason(e, CancellationToken.None);
                }
            }

            return new HalfOpenProbe(endpoint, _halfOpen, _halfOpenUnavailable);
        }
    }

    private static HttpProbe Http(
        HealthCheckConfig check, ProbeEndpoint endpoint, ValueList<StatusCodeRange> expectStatus, string? digest, string? bodyRegex, ConnectEngine? engine = null) =>
        new(
            HttpOptions(check, endpoint),
            [.. expectStatus],
            digest is not null ? BodyCheck.WithDigest(digest)
            : bodyRegex is not null ? BodyCheck.Matching(TextPattern.Compile(bodyRegex))
            : null,
            engine);

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
