using System.Net;
using System.Net.Sockets;
using System.Text;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.HealthCheck.Tests.Probes;

public sealed class TcpProbeTests : IDisposable
{
    /// <summary>A bound, not a figure under test: timeouts are tested on a fake clock; the machine may be loaded.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly ConnectEngine _engine = new();

    [Fact]
    public void Engine_PlainConnectOrConversation_OnlyThePlainConnectRunsOnTheEngine()
    {
        var endpoint = new ProbeEndpoint(LoopbackServer.Closed());

        Assert.Same(_engine, new TcpProbe(endpoint, _engine).Engine);
        Assert.Null(new TcpProbe(endpoint, _engine, "PING\r\n"u8.ToArray()).Engine);
        Assert.Null(new TcpProbe(endpoint, _engine, expect: TextPattern.Compile("^OK")).Engine);
    }

    [Fact]
    public async Task ProbeAsync_ListenerAccepts_IsUp()
    {
        await using var server = LoopbackServer.Start((_, _) => Task.CompletedTask);
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new TcpProbe(new ProbeEndpoint(server.EndPoint), _engine), Timeout);

        Assert.Equal((true, ProbeReasons.Connected), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_Ipv6ListenerAccepts_IsUp()
    {
        await using var server = LoopbackServer.StartIpv6((_, _) => Task.CompletedTask);
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new TcpProbe(new ProbeEndpoint(server.EndPoint), _engine), Timeout);

        Assert.Equal((true, ProbeReasons.Connected), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_ConnectOnly_ClosesWithReset()
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = LoopbackServer.Start(ReadUntilClosed(seen));
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new TcpProbe(new ProbeEndpoint(server.EndPoint), _engine), Timeout);

        Assert.True(result.Up, result.Reason);
        Assert.Equal("reset after 0 bytes", await seen.Task.WaitAsync(Timeout));
    }

    [Fact]
    public async Task ProbeAsync_SendWithoutExpect_ClosesNormallySoTheBytesArrive()
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = LoopbackServer.Start(ReadUntilClosed(seen));
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new TcpProbe(new ProbeEndpoint(server.EndPoint), _engine, "PING\r\n"u8.ToArray()), Timeout);

        Assert.True(result.Up, result.Reason);
        Assert.Equal("closed after 6 bytes", await seen.Task.WaitAsync(Timeout));
    }

    [Fact]
    public async Task ProbeAsync_NothingListens_IsDownRefused()
    {
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new TcpProbe(new ProbeEndpoint(LoopbackServer.Closed()), _engine), Timeout);

        Assert.Equal((false, ProbeReasons.Refused), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_Blackholed_TimesOutOnTheInjectedClock()
    {
        await using var server = LoopbackServer.Blackhole();
        var time = new FakeTimeProvider();
        using var runner = new ProbeRunner(time);

        var pending = runner.RunAsync(new TcpProbe(new ProbeEndpoint(server.EndPoint), _engine), Timeout);
        Assert.False(pending.IsCompleted);
        time.Advance(Timeout);
        var result = await pending;

        Assert.Equal((false, ProbeReasons.TimedOut, Timeout), (result.Up, result.Reason, result.Latency));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ProbeAsync_SendAndExpectMatchingReply_IsUp(bool ipv6)
    {
        await using var server = ipv6 ? LoopbackServer.StartIpv6(Echo("+PONG\r\n")) : LoopbackServer.Start(Echo("+PONG\r\n"));
        using var runner = new ProbeRunner(TimeProvider.System);
        var probe = new TcpProbe(new ProbeEndpoint(server.EndPoint), _engine, "PING\r\n"u8.ToArray(), TextPattern.Compile("^\\+PONG"));

        var result = await runner.RunAsync(probe, Timeout);

        Assert.True(result.Up, result.Reason);
    }

    [Fact]
    public async Task ProbeAsync_ReplyDoesNotMatch_IsDown()
    {
        await using var server = LoopbackServer.Start(Echo("-ERR loading\r\n"));
        using var runner = new ProbeRunner(TimeProvider.System);
        var probe = new TcpProbe(new ProbeEndpoint(server.EndPoint), _engine, "PING\r\n"u8.ToArray(), TextPattern.Compile("^\\+PONG"));

        var result = await runner.RunAsync(probe, Timeout);

        Assert.Equal((false, ProbeReasons.ExpectMismatch), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_ServerAcceptsButNeverAnswers_TimesOut()
    {
        var received = new TaskCompletionSource();
        await using var server = LoopbackServer.Start(async (socket, token) =>
        {
            await socket.ReceiveAsync(new byte[16], token);
            received.TrySetResult();
            await Task.Delay(System.Threading.Timeout.Infinite, token);
        });
        var time = new FakeTimeProvider();
        using var runner = new ProbeRunner(time);
        var probe = new TcpProbe(new ProbeEndpoint(server.EndPoint), _engine, "PING\r\n"u8.ToArray(), TextPattern.Compile("PONG"));

        var pending = runner.RunAsync(probe, Timeout);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(Timeout);
        var result = await pending;

        Assert.Equal((false, ProbeReasons.TimedOut), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_SourceAddressGiven_ConnectsFromIt()
    {
        await using var server = LoopbackServer.Start((_, _) => Task.CompletedTask);
        var source = LoopbackServer.NextAddress();
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new TcpProbe(new ProbeEndpoint(server.EndPoint, source), _engine), Timeout);

        Assert.True(result.Up, result.Reason);
        Eventually.True(() => server.Accepted.Count == 1, "the connection is accepted");
        Assert.Equal(source, server.Accepted[0].Address);
    }

    private static Func<Socket, CancellationToken, Task> Echo(string reply) =>
        async (socket, token) =>
        {
            await socket.ReceiveAsync(new byte[64], token);
            await socket.SendAsync(Encoding.ASCII.GetBytes(reply), token);
        };

    /// <summary>Reads what the probe sends until it closes, and says how it closed: FIN ("closed") or RST ("reset").</summary>
    private static Func<Socket, CancellationToken, Task> ReadUntilClosed(TaskCompletionSource<string> seen) => async (client, cancellationToken) =>
    {
        var buffer = new byte[64];
        var total = 0;
        try
        {
            int read;
            while ((read = await client.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, cancellationToken)) > 0)
            {
                total += read;
            }

            seen.TrySetResult($"closed after {total} bytes");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            seen.TrySetResult($"reset after {total} bytes");
        }
    };

    public void Dispose() => _engine.Dispose();
}
