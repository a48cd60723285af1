using HaDirector.HealthCheck.Probes;

namespace HaDirector.Fuzz.Harnesses;

/// <summary>
/// A real server's HTTP answer as HttpGet reads it: the response head (status line, Content-Length, Transfer-Encoding)
/// on every prefix the reads could deliver, then the chunked body decoded in place.
/// </summary>
internal sealed class HttpHeadHarness : IHarness
{
    public string Name => "http-head";

    public IReadOnlyList<string> Assemblies => ["HaDirector.HealthCheck.dll"];

    public void Run(ReadOnlySpan<byte> data)
    {
        if (!HttpResponseHead.TryParse(data, out var head) || head is not { } parsed)
        {
            return;
        }

        if (parsed.Length > data.Length || parsed.Status is < 100 or > 999)
        {
            throw new InvalidOperationException($"head {parsed} does not fit {data.Length} bytes");
        }

        if (parsed.Chunked)
        {
            var body = data[parsed.Length..].ToArray();
            var decoded = HttpResponseHead.Dechunk(body);
            if (decoded > body.Length)
            {
                throw new InvalidOperationException($"dechunked {decoded} bytes out of {body.Length}");
            }
        }
    }
}
