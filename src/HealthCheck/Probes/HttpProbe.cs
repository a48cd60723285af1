namespace HaDirector.HealthCheck.Probes;

/// <summary>HTTP or HTTPS GET: up when the status is expected and the body (if checked) is right.</summary>
public sealed class HttpProbe : IProbe
{
    private static readonly StatusCodeRange[] DefaultStatuses = [new(200, 299)];

    private readonly HttpGet _get;
    private readonly StatusCodeRange[] _expectStatus;
    private readonly BodyCheck? _body;

    public HttpProbe(HttpGetOptions options, IReadOnlyList<StatusCodeRange>? expectStatus = null, BodyCheck? body = null)
    {
        _get = new HttpGet(options);
        _expectStatus = expectStatus is { Count: > 0 } ? [.. expectStatus] : DefaultStatuses;
        _body = body;
    }

    public async ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        using var buffer = new ResponseBuffer(_get.Options.MaxResponseBytes);
        try
        {
            var response = await _get.SendAsync(buffer, _body?.NeedsWholeBody == true, cancellationToken);
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
        catch (Exception e)
        {
            return ProbeFailure.From(e, cancellationToken);
        }
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
