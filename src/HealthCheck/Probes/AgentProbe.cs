using System.Buffers;

namespace HaDirector.HealthCheck.Probes;

/// <summary>Asks an agent on the real server for its state and weight (<see cref="AgentReply"/>).</summary>
public sealed class AgentProbe : IProbe
{
    private readonly ProbeEndpoint _endpoint;
    private readonly HttpGet? _http;

    /// <summary>TCP agent: connect and read one line, as HAProxy's agent-check does.</summary>
    public AgentProbe(ProbeEndpoint endpoint) => _endpoint = endpoint;

    /// <summary>HTTP agent: GET the options' path; a 2xx body is the agent's line.</summary>
    public AgentProbe(HttpGetOptions options)
    {
        _endpoint = options.Endpoint;
        _http = new HttpGet(options with { MaxResponseBytes = Math.Min(options.MaxResponseBytes, 4096) });
    }

    public async ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return _http is not null ? await HttpAsync(_http, cancellationToken) : await LineAsync(cancellationToken);
        }
        catch (Exception e)
        {
            return ProbeFailure.From(e, cancellationToken);
        }
    }

    private static async ValueTask<ProbeResult> HttpAsync(HttpGet http, CancellationToken cancellationToken)
    {
        using var body = new ResponseBuffer(http.Options.MaxResponseBytes);
        var response = await http.SendAsync(body, needWholeBody: false, cancellationToken);
        return response.Failure is { } failure ? ProbeResult.Failure(failure)
            : response.Head.Status is < 200 or > 299 ? ProbeResult.Failure($"agent answered HTTP {response.Head.Status}")
            : AgentReply.Parse(body.Array.AsSpan(response.Head.Length, Math.Min(response.BodyLength, AgentReply.MaxLength)));
    }

    private async ValueTask<ProbeResult> LineAsync(CancellationToken cancellationToken)
    {
        using var socket = await ProbeSocket.ConnectAsync(_endpoint, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(AgentReply.MaxLength);
        try
        {
            var read = await ProbeSocket.ReadAsync(
                socket, buffer.AsMemory(0, AgentReply.MaxLength), static bytes => bytes.Span.IndexOf((byte)'\n') >= 0, cancellationToken);
            ProbeSocket.ResetOnClose(socket);
            return AgentReply.Parse(buffer.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
