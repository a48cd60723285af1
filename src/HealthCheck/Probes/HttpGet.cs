using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// A minimal HTTP/1.1 GET over a fresh socket (and TLS): request bytes built once, the response read into
/// the caller's buffer. Not HttpClient: its connection pool would keep answering from a socket opened
/// before the server stopped accepting, and its per-request objects cost too much at thousands a second.
/// </summary>
internal sealed class HttpGet
{
    private readonly HttpGetOptions _options;
    private readonly byte[] _request;
    private readonly SslClientAuthenticationOptions? _tls;

    public HttpGet(HttpGetOptions options)
    {
        _options = options;
        _request = Encoding.ASCII.GetBytes(
            $"GET {options.Path} HTTP/1.1\r\nHost: {options.HostHeader}\r\nUser-Agent: hadirector-healthcheck\r\nAccept: */*\r\nConnection: close\r\n\r\n");
        if (options.Tls)
        {
            var host = options.Host is { } h && Uri.CheckHostName(h) == UriHostNameType.Dns ? h : options.Endpoint.Target.Address.ToString();
            _tls = new SslClientAuthenticationOptions
            {
                TargetHost = options.Sni ?? host,
                // A director must not stall on CRL/OCSP fetches from inside a health check.
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
#pragma warning disable CA5359 // The operator turned verification off for this check (tlsVerify: false).
                RemoteCertificateValidationCallback = options.VerifyCertificate ? null : AcceptAny,
#pragma warning restore CA5359
            };
        }
    }

    public HttpGetOptions Options => _options;

    /// <summary>The response lands in <paramref name="buffer"/>, rented only once connected and grown as it comes.</summary>
    public async ValueTask<HttpGetResult> SendAsync(ResponseBuffer buffer, bool needWholeBody, CancellationToken cancellationToken)
    {
        using var socket = await ProbeSocket.ConnectAsync(_options.Endpoint, cancellationToken);
        await using var network = new NetworkStream(socket, ownsSocket: false);
        Stream stream = network;
        SslStream? ssl = null;
        try
        {
            if (_tls is not null)
            {
                ssl = new SslStream(network, leaveInnerStreamOpen: true);
                await ssl.AuthenticateAsClientAsync(_tls, cancellationToken);
                stream = ssl;
            }

            await stream.WriteAsync(_request, cancellationToken);
            return await ReadResponseAsync(stream, buffer, needWholeBody, cancellationToken);
        }
        finally
        {
            // Either the response was read or the conversation was abandoned (timeout, TLS failure): over.
            ProbeSocket.ResetOnClose(socket);
            if (ssl is not null)
            {
                await ssl.DisposeAsync();
            }
        }
    }

    private static async ValueTask<HttpGetResult> ReadResponseAsync(Stream stream, ResponseBuffer buffer, bool needWholeBody, CancellationToken cancellationToken)
    {
        var total = 0;
        HttpResponseHead? head = null;
        while (true)
        {
            if (total == buffer.Capacity && !buffer.Grow(total))
            {
                return head is { } full
                    ? needWholeBody ? new(ProbeReasons.TooLarge, full, 0, false) : Complete(buffer.Array, full, total, eof: false)
                    : new(ProbeReasons.BadResponse, default, 0, false);
            }

            var read = await stream.ReadAsync(buffer.Free(total), cancellationToken);
            if (read == 0)
            {
                return head is { } h ? Complete(buffer.Array, h, total, eof: true)
                    : new(total == 0 ? ProbeReasons.ClosedEarly : ProbeReasons.Truncated, default, 0, false);
            }

            total += read;
            if (head is null)
            {
                if (!HttpResponseHead.TryParse(buffer.Array.AsSpan(0, total), out head))
                {
                    continue;
                }

                if (head is null)
                {
                    return new(ProbeReasons.BadResponse, default, 0, false);
                }
            }

            // Content-Length says where it ends; otherwise (chunked, or close-delimited) the server closes.
            if (head.Value.ContentLength >= 0 && total >= head.Value.Length + head.Value.ContentLength)
            {
                return Complete(buffer.Array, head.Value, total, eof: false);
            }
        }
    }

    private static HttpGetResult Complete(Span<byte> buffer, HttpResponseHead head, int total, bool eof)
    {
        var body = buffer[head.Length..total];
        if (head.Chunked)
        {
            var decoded = HttpResponseHead.Dechunk(body);
            return decoded < 0
                ? eof ? new(ProbeReasons.Truncated, head, 0, false) : new(null, head, body.Length, false)
                : new(null, head, decoded, true);
        }

        if (head.ContentLength >= 0)
        {
            return body.Length >= head.ContentLength
                ? new(null, head, (int)head.ContentLength, true)
                : eof ? new(ProbeReasons.Truncated, head, 0, false) : new(null, head, body.Length, false);
        }

        return new(null, head, body.Length, eof);
    }

    private static bool AcceptAny(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => true;
}
