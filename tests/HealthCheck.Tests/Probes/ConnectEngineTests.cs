using System.Net;
using System.Net.Sockets;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.HealthCheck.Tests.Probes;

/// <summary>The connect loop itself; <see cref="TcpProbeTests"/> covers it through the connect-only probe.</summary>
public sealed class ConnectEngineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly ConnectEngine _engine = new();

    [Fact]
    public async Task ConnectAsync_ManyAtOnce_AllConnectAndNoneIsLeftPending()
    {
        await using var server = LoopbackServer.Start((_, _) => Task.CompletedTask);
        using var timeout = new CancellationTokenSource(Timeout);

        var results = await Task.WhenAll(Enumerable.Range(0, 300)
            .Select(_ => _engine.ConnectAsync(new ProbeEndpoint(server.EndPoint), timeout.Token).AsTask()));

        Assert.All(results, r => Assert.Equal((true, ProbeReasons.Connected), (r.Up, r.Reason)));
        Eventually.True(() => _engine.Pending == 0, "no connect left pending");
    }

    [Fact]
    public async Task ConnectAsync_Ipv6Loopback_Connects()
    {
        using var listener = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        listener.Listen(4);

        var result = await _engine.ConnectAsync(new ProbeEndpoint((IPEndPoint)listener.LocalEndPoint!), CancellationToken.None);

        Assert.Equal((true, ProbeReasons.Connected), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ConnectAsync_TokenAlreadyCancelled_TimedOutWithoutConnecting()
    {
        await using var server = LoopbackServer.Start((_, _) => Task.CompletedTask);

        var result = await _engine.ConnectAsync(new ProbeEndpoint(server.EndPoint), new CancellationToken(canceled: true));

        Assert.Equal((false, ProbeReasons.TimedOut), (result.Up, result.Reason));
        Assert.Empty(server.Accepted);
    }

    [Fact]
    public async Task ConnectAsync_TimedOutThenServerAppears_NextConnectSucceeds()
    {
        // The first connect hangs (full accept queue) and is abandoned on the fake clock: its descriptor is
        // closed by the timeout, and the loop goes on serving the next one.
        await using var blackhole = LoopbackServer.Blackhole();
        await using var server = LoopbackServer.Start((_, _) => Task.CompletedTask);
        var time = new FakeTimeProvider();
        using var timeout = new CancellationTokenSource(Timeout, time);

        var hanging = _engine.ConnectAsync(new ProbeEndpoint(blackhole.EndPoint), timeout.Token);
        Assert.False(hanging.IsCompleted);
        time.Advance(Timeout);
        var abandoned = await hanging;
        var next = await _engine.ConnectAsync(new ProbeEndpoint(server.EndPoint), CancellationToken.None);

        Assert.Equal((false, ProbeReasons.TimedOut), (abandoned.Up, abandoned.Reason));
        Assert.Equal((true, ProbeReasons.Connected), (next.Up, next.Reason));
    }

    [Fact]
    public async Task ConnectAsync_SourceAddressNotLocal_DownWithTheKernelsReason()
    {
        await using var server = LoopbackServer.Start((_, _) => Task.CompletedTask);

        var result = await _engine.ConnectAsync(new ProbeEndpoint(server.EndPoint, IPAddress.Parse("198.51.100.7")), CancellationToken.None);

        Assert.Equal((false, "socket error: Cannot assign requested address"), (result.Up, result.Reason));
    }

    public void Dispose() => _engine.Dispose();
}
