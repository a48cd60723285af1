using HaDirector.HealthCheck.Scheduling;

namespace HaDirector.HealthCheck.Probes;

/// <summary>HTTP or HTTPS GET: up when the status is expected and the body (if checked) is right.</summary>
/// <remarks>
/// Under a scheduler a plain HTTP GET runs on <see cref="ConnectEngine"/>'s thread as a connect check does (connect,
/// send, read, judge, reset close, all on its events: no Socket, stream, Task or pool thread per check); HTTPS keeps
/// the awaited path through <see cref="System.Net.Security.SslStream"/>.
/// </remarks>
public sealed class HttpProbe : IProbe
{
    private static readonly StatusCodeRange[] DefaultStatuses = [new(200, 299)];

    private readonly HttpGet _get;
    private readonly StatusCodeRange[] _expectStatus;
    private readonly BodyCheck? _body;
    private readonly ConnectEngine? _engine;

    /// <param name="engine">Runs a plain HTTP GET's rounds under a scheduler; null: the scheduler awaits <see cref="ProbeAsync"/>.</param>
    public HttpProbe(HttpGetOptions options, IReadOnlyList<StatusCodeRange>? expectStatus = null, BodyCheck? body = null, ConnectEngine? engine = null)
    {
        _get = new HttpGet(options);
        _expectStatus = expectStatus is { Count: > 0 } ? [.. expectStatus] : DefaultStatuses;
        _body = body;
        _engine = options.Tls ? null : engine;
    }

    public RoundEngine? Engine => _engine;

    internal HttpGetOptions Options => _get.Options;

    /// <summary>The request's bytes, for the engine's rounds.</summary>
    internal ReadOnlyMemory<byte> Request => _get.Request;

    /// <summary>A digest needs the whole body; a status or a pattern does not.</summary>
    internal bool NeedsWholeBody => _body?.NeedsWholeBody == true;

    public async ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        using var buffer = new ResponseBuffer(_get.Options.MaxResponseBytes);
        try
        {
            var response = await _get.SendAsync(buffer, NeedsWholeBody, cancellationToken);
            return Judge(response, buffer);
        }
        catch (Exception e)
        {
            return ProbeFailure.From(e, cancellationToken);
        }
    }

    /// <summary>The check's verdict on a response read into <paramref name="buffer"/>.</summary>
    internal ProbeResult Judge(in HttpGetResult response, ResponseBuffer buffer)
    {
        if (response.Failure is { } failure)
        {
            return ProbeResult.Failure(failure);
        }

        var status = response.Head.Status;
        if (!Expected(status))
        {
            return ProbeResult.Failure($"HTTP {status} (not expected)");
        }

        var bodyFailure = _body?.Check(buffer.Array.AsSpan(response.Head.Length, response.BodyLength));
        return bodyFailure is null ? ProbeResult.Success(StatusReason(status)) : ProbeResult.Failure(bodyFailure);
    }

    private bool Expected(int status)
    {
        foreach (var range in _expectStatus)
        {
            if (range.Contains(status))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The usual answers are constants: the hot path allocates no string per check.</summary>
    private static string StatusReason(int status) => status switch
    {
        200 => "HTTP 200",
        204 => "HTTP 204",
        301 => "HTTP 301",
        302 => "HTTP 302",
        _ => $"HTTP {status}",
    };
}
