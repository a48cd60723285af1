using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.HealthCheck.Tests.Probes;

public sealed class HttpProbeTests
{
    /// <summary>A bound, not a figure under test: timeouts are tested on a fake clock; the machine may be loaded.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ProbeAsync_Status200_IsUpAndSendsPathAndHost()
    {
        string? request = null;
        await using var server = LoopbackServer.Start(HttpServerScripts.Answer(HttpServerScripts.Response(200, "ok"), r => request = r));

        var result = await Run(Options(server) with { Path = "/healthz?x=1", Host = "web.example" });

        Assert.Equal((true, "HTTP 200"), (result.Up, result.Reason));
        Assert.StartsWith("GET /healthz?x=1 HTTP/1.1\r\nHost: web.example\r\n", request);
    }

    [Fact]
    public async Task ProbeAsync_Ipv6Target_IsUpAndSendsTheAddressInBrackets()
    {
        string? request = null;
        await using var server = LoopbackServer.StartIpv6(HttpServerScripts.Answer(HttpServerScripts.Response(200, "ok"), r => request = r));

        var result = await Run(Options(server));

        Assert.Equal((true, "HTTP 200"), (result.Up, result.Reason));
        Assert.StartsWith($"GET / HTTP/1.1\r\nHost: [::1]:{server.EndPoint.Port}\r\n", request);
    }

    [Theory]
    [InlineData("2001:2::5", 80, false, "[2001:2::5]")]
    [InlineData("2001:2::5", 8080, false, "[2001:2::5]:8080")]
    [InlineData("2001:2::5", 443, true, "[2001:2::5]")]
    [InlineData("fe80::1%3", 80, false, "[fe80::1]")]
    [InlineData("198.18.0.5", 80, false, "198.18.0.5")]
    [InlineData("198.18.0.5", 8443, true, "198.18.0.5:8443")]
    public void HostHeader_NoHostGiven_IsTheTargetAsAUrlWritesIt(string address, int port, bool tls, string expected)
    {
        var options = new HttpGetOptions { Endpoint = new ProbeEndpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(address), port)), Tls = tls };

        Assert.Equal(expected, options.HostHeader);
    }

    [Theory]
    [InlineData("2001:2:0:0::10", "[2001:2::10]")]
    [InlineData("[2001:2::10]:8080", "[2001:2::10]:8080")]
    [InlineData("www.example", "www.example")]
    public void HostHeader_HostGiven_AnIpv6AddressGetsItsBrackets(string host, string expected)
    {
        var options = new HttpGetOptions { Endpoint = new ProbeEndpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("2001:2::5"), 80)), Host = host };

        Assert.Equal(expected, options.HostHeader);
    }

    [Fact]
    public async Task ProbeAsync_ResponseRead_ClosesWithReset()
    {
        // The server answers with Content-Length and keeps the connection open (no FIN from its side):
        // what it sees next is how the probe closes.
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = LoopbackServer.Start(async (socket, token) =>
        {
            await using var stream = new NetworkStream(socket);
            await HttpServerScripts.ReadHeadAsync(stream, token);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(HttpServerScripts.Response(200, "ok")), token);
            try
            {
                seen.TrySetResult(await stream.ReadAsync(new byte[16], token) == 0 ? "closed" : "more bytes");
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
                seen.TrySetResult("reset");
            }
        });

        var result = await Run(Options(server));

        Assert.Equal((true, "HTTP 200"), (result.Up, result.Reason));
        Assert.Equal("reset", await seen.Task.WaitAsync(Timeout));
    }

    [Fact]
    public async Task ProbeAsync_Status500_IsDown()
    {
        await using var server = LoopbackServer.Start(HttpServerScripts.Answer(HttpServerScripts.Response(500, "oops")));

        var result = await Run(Options(server));

        Assert.Equal((false, "HTTP 500 (not expected)"), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_StatusInAnExpectedRange_IsUp()
    {
        await using var server = LoopbackServer.Start(HttpServerScripts.Answer(HttpServerScripts.Response(302, "")));

        var result = await Run(Options(server), [new StatusCodeRange(200, 200), new StatusCodeRange(300, 399)]);

        Assert.Equal((true, "HTTP 302"), (result.Up, result.Reason));
    }

    [Theory]
    [InlineData("status: ready", true)]
    [InlineData("status: starting", false)]
    public async Task ProbeAsync_BodyRegex_DecidesOnTheBody(string body, bool up)
    {
        await using var server = LoopbackServer.Start(HttpServerScripts.Answer(HttpServerScripts.Response(200, body)));

        var result = await Run(Options(server), body: BodyCheck.Matching(TextPattern.Compile("ready$")));

        Assert.Equal((up, up ? "HTTP 200" : ProbeReasons.BodyMismatch), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_ChunkedBody_IsDecodedBeforeTheRegex()
    {
        const string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nrea\r\n2;x=y\r\ndy\r\n0\r\n\r\n";
        await using var server = LoopbackServer.Start(HttpServerScripts.Answer(chunked));

        var result = await Run(Options(server), body: BodyCheck.Matching(TextPattern.Compile("^ready$")));

        Assert.True(result.Up, result.Reason);
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("md5")]
    public async Task ProbeAsync_DigestOfTheBody_UpWhenEqualDownWhenNot(string algorithm)
    {
        var good = Encoding.ASCII.GetBytes("<html>fine</html>");
#pragma warning disable CA5351 // compatibility with keepalived's genhash
        var hex = Convert.ToHexString(algorithm == "md5" ? MD5.HashData(good) : SHA256.HashData(good)).ToLowerInvariant();
#pragma warning restore CA5351
        await using var right = LoopbackServer.Start(HttpServerScripts.Answer(HttpServerScripts.Response(200, "<html>fine</html>")));
        await using var wrong = LoopbackServer.Start(HttpServerScripts.Answer(HttpServerScripts.Response(200, "<html>error</html>")));

        var up = await Run(Options(right), body: BodyCheck.WithDigest(hex));
        var down = await Run(Options(wrong), body: BodyCheck.WithDigest(hex));

        Assert.Equal((true, false, ProbeReasons.DigestMismatch), (up.Up, down.Up, down.Reason));
    }

    [Fact]
    public async Task ProbeAsync_DigestOfABodyManyTimesTheFirstBuffer_IsUp()
    {
        var body = string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i}\n"));
        var hex = Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(body))).ToLowerInvariant();
        await using var server = LoopbackServer.Start(HttpServerScripts.Answer(HttpServerScripts.Response(200, body)));

        var result = await Run(Options(server), body: BodyCheck.WithDigest(hex));

        Assert.True(body.Length > 16 * ResponseBuffer.InitialSize);
        Assert.Equal((true, "HTTP 200"), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_DigestOfABodyPastTheLimit_IsDownTooLarge()
    {
        var body = new string('x', 5000);
        var hex = Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(body))).ToLowerInvariant();
        await using var server = LoopbackServer.Start(HttpServerScripts.Answer(HttpServerScripts.Response(200, body)));

        var result = await Run(Options(server) with { MaxResponseBytes = 4096 }, body: BodyCheck.WithDigest(hex));

        Assert.Equal((false, ProbeReasons.TooLarge), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_ResetMidResponse_IsDownReset()
    {
        await using var server = LoopbackServer.Start(HttpServerScripts.ResetMidBody());

        var result = await Run(Options(server));

        Assert.Equal((false, ProbeReasons.Reset), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_ClosedBeforeContentLengthArrived_IsDownTruncated()
    {
        await using var server = LoopbackServer.Start(HttpServerScripts.Answer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"));

        var result = await Run(Options(server));

        Assert.Equal((false, ProbeReasons.Truncated), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_NotHttp_IsDownMalformed()
    {
        await using var server = LoopbackServer.Start(HttpServerScripts.Answer("SSH-2.0-OpenSSH_9.2\r\n"));

        var result = await Run(Options(server));

        Assert.Equal((false, ProbeReasons.BadResponse), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_AcceptsButNeverAnswers_TimesOut()
    {
        var received = new TaskCompletionSource();
        await using var server = LoopbackServer.Start(HttpServerScripts.Hold(received, Task.Delay(-1), ""));
        var time = new FakeTimeProvider();
        using var runner = new ProbeRunner(time);

        var pending = runner.RunAsync(new HttpProbe(Options(server)), Timeout);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(Timeout);
        var result = await pending;

        Assert.Equal((false, ProbeReasons.TimedOut), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_SlowButWithinTimeout_IsUpWithItsLatency()
    {
        var received = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        await using var server = LoopbackServer.Start(HttpServerScripts.Hold(received, release.Task, HttpServerScripts.Response(200, "ok")));
        var time = new FakeTimeProvider();
        using var runner = new ProbeRunner(time);

        var pending = runner.RunAsync(new HttpProbe(Options(server)), Timeout);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromMilliseconds(700));
        release.SetResult();
        var result = await pending;

        Assert.Equal((true, TimeSpan.FromMilliseconds(700)), (result.Up, result.Latency));
    }

    [Fact]
    public async Task ProbeAsync_SelfSignedCertificateWithVerifyOn_IsDownTlsFailed()
    {
        using var certificate = SelfSignedCertificate.Create("web.example");
        await using var server = LoopbackServer.Start(TlsAnswer(certificate, _ => { }));

        var result = await Run(Options(server) with { Tls = true, Sni = "web.example", VerifyCertificate = true });

        Assert.False(result.Up);
        Assert.StartsWith("TLS failed: ", result.Reason);
    }

    [Fact]
    public async Task ProbeAsync_SelfSignedCertificateWithVerifyOff_IsUpAndSendsSni()
    {
        using var certificate = SelfSignedCertificate.Create("web.example");
        string? sni = null;
        await using var server = LoopbackServer.Start(TlsAnswer(certificate, name => sni = name));

        var result = await Run(Options(server) with { Tls = true, Sni = "web.example", VerifyCertificate = false });

        Assert.Equal((true, "HTTP 200", "web.example"), (result.Up, result.Reason, sni));
    }

    [Fact]
    public async Task ProbeAsync_Ipv6TargetOverTls_IsUp()
    {
        using var certificate = SelfSignedCertificate.Create("web.example");
        await using var server = LoopbackServer.StartIpv6(TlsAnswer(certificate, _ => { }));

        var result = await Run(Options(server) with { Tls = true, VerifyCertificate = false });

        Assert.Equal((true, "HTTP 200"), (result.Up, result.Reason));
    }

    private static HttpGetOptions Options(LoopbackServer server) => new() { Endpoint = new ProbeEndpoint(server.EndPoint) };

    private static async Task<ProbeResult> Run(HttpGetOptions options, StatusCodeRange[]? statuses = null, BodyCheck? body = null)
    {
        using var runner = new ProbeRunner(TimeProvider.System);
        return await runner.RunAsync(new HttpProbe(options, statuses, body), Timeout);
    }

    private static Func<Socket, CancellationToken, Task> TlsAnswer(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, Action<string> sni) =>
        async (socket, token) =>
        {
            await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
            var options = new SslServerAuthenticationOptions
            {
                ServerCertificateSelectionCallback = (_, name) =>
                {
                    sni(name ?? "");
                    return certificate;
                },
            };
            await ssl.AuthenticateAsServerAsync(options, token);
            await HttpServerScripts.ReadHeadAsync(ssl, token);
            await ssl.WriteAsync(Encoding.ASCII.GetBytes(HttpServerScripts.Response(200, "ok")), token);
        };
}
