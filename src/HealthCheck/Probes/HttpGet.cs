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

    /// <summary>The request's bytes, the same for every check.</summary>
    public ReadOnlyMemory<byte> Request => _request;

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
        var reader = new HttpResponseReader(buffer, needWholeBody);
        while (true)
        {
            var read = await stream.ReadAsync(reader.Room(), cancellationToken);
            if (reader.Received(read) is { } result)
            {
                return result;
            }
        }
    }

    private static bool AcceptAny(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => true;
}
