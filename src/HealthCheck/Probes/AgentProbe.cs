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
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            if (_http is not null)
            {
                var response = await _http.SendAsync(buffer, needWholeBody: false, cancellationToken);
                return response.Failure is { } failure ? ProbeResult.Failure(failure)
                    : response.Head.Status is < 200 or > 299 ? ProbeResult.Failure($"agent answered HTTP {response.Head.Status}")
                    : AgentReply.Parse(buffer.AsSpan(response.Head.Length, Math.Min(response.BodyLength, AgentReply.MaxLength)));
            }

            using var socket = await ProbeSocket.ConnectAsync(_endpoint, cancellationToken);
            var read = await ProbeSocket.ReadAsync(
                socket, buffer.AsMemory(0, AgentReply.MaxLength), static bytes => bytes.Span.IndexOf((byte)'\n') >= 0, cancellationToken);
            ProbeSocket.ResetOnClose(socket);
            return AgentReply.Parse(buffer.AsSpan(0, read));
        }
        catch (Exception e)
        {
            return ProbeFailure.From(e, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
