using System.Net.Sockets;
using System.Text;
using HaDirector.Director.Announce;

namespace HaDirector.Director.Tests.Announce;

/// <summary>The control-socket client against a unix socket in the test that answers as BIRD does (the captured replies), or misbehaves.</summary>
public sealed class BirdControlClientTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hd-bird-ctl-").FullName;
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public BirdControlClientTests()
    {
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen();
    }

    private string SocketPath => Path.Combine(_directory, "bird.ctl");

    public void Dispose()
    {
        _listener.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Accepts one connection and answers each command line with <paramref name="answer"/>'s text.</summary>
    private async Task ServeAsync(string hello, Func<string, string?> answer)
    {
        using var connection = await _listener.AcceptAsync();
        await connection.SendAsync(Encoding.ASCII.GetBytes(hello));
        var buffer = new byte[4096];
        var pending = "";
        while (true)
        {
            var read = await connection.ReceiveAsync(buffer);
            if (read == 0)
            {
                return;
            }

            pending += Encoding.ASCII.GetString(buffer, 0, read);
            int newline;
            while ((newline = pending.IndexOf('\n')) >= 0)
            {
                var command = pending[..newline];
                pending = pending[(newline + 1)..];
                if (answer(command) is not { } reply)
                {
                    // Say nothing, keep the connection: a hung daemon.
                    await Task.Delay(Timeout.Infinite, TestContext.Current.CancellationToken).ContinueWith(_ => { });
                    return;
                }

                await connection.SendAsync(Encoding.ASCII.GetBytes(reply));
            }
        }
    }

    private static string? Bird(string command, string state) => command switch
    {
        "show protocols all" => BirdParserTests.Fixture($"bird-show-protocols-all-{state}.txt"),
        "show bfd sessions" => BirdParserTests.Fixture($"bird-show-bfd-sessions-{state}.txt"),
        _ => "9001 syntax error\n",
    };

    [Fact]
    public async Task ReadAsync_RealBirdsReplies_ReadsSessionsAndBfd()
    {
        var server = ServeAsync(BirdParserTests.Fixture("bird-hello.txt"), c => Bird(c, "up"));

        var snapshot = await new BirdControlClient(SocketPath).ReadAsync(TestContext.Current.CancellationToken);

        Assert.Equal("uplink", Assert.Single(snapshot.Sessions).Name);
        Assert.True(Assert.Single(snapshot.Bfd).Up);
        await server.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ReadAsync_RepliesInOneByteChunks_SameResult()
    {
        var server = Task.Run(async () =>
        {
            using var connection = await _listener.AcceptAsync();
            var all = BirdParserTests.Fixture("bird-hello.txt") + BirdParserTests.Fixture("bird-show-protocols-all-down.txt")
                + BirdParserTests.Fixture("bird-show-bfd-sessions-down.txt");
            foreach (var b in Encoding.ASCII.GetBytes(all))
            {
                await connection.SendAsync(new[] { b });
            }

            // Until the client is done: its commands arrive after the replies it will read.
            while (await connection.ReceiveAsync(new byte[4096]) > 0)
            {
            }
        });

        var snapshot = await new BirdControlClient(SocketPath).ReadAsync(TestContext.Current.CancellationToken);

        Assert.Equal("Active", Assert.Single(snapshot.Sessions).State);
        Assert.False(Assert.Single(snapshot.Bfd).Up);
    }

    [Fact]
    public async Task ReadAsync_NoSocket_IOExceptionNamingIt()
    {
        var error = await Assert.ThrowsAsync<IOException>(() => new BirdControlClient(Path.Combine(_directory, "missing.ctl")).ReadAsync(TestContext.Current.CancellationToken));

        Assert.Contains("missing.ctl", error.Message);
    }

    [Fact]
    public async Task ReadAsync_NotBird_IOException()
    {
        _ = ServeAsync("SSH-2.0-OpenSSH_9.2\r\n", _ => "");

        await Assert.ThrowsAsync<IOException>(() => new BirdControlClient(SocketPath).ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadAsync_EndlessReply_StopsAtTheBound()
    {
        _ = Task.Run(async () =>
        {
            using var connection = await _listener.AcceptAsync();
            await connection.SendAsync(Encoding.ASCII.GetBytes("0001 BIRD 2.0.12 ready.\n"));
            var row = Encoding.ASCII.GetBytes(" d1  BGP  ---  up  06:13:34.118  Established" + new string(' ', 200) + "\n");
            try
            {
                for (var sent = 0; sent <= BirdControlClient.MaxReplyBytes * 2; sent += row.Length)
                {
                    await connection.SendAsync(row);
                }
            }
            catch (SocketException)
            {
                // The client gave up, as it should.
            }
        });

        var error = await Assert.ThrowsAsync<IOException>(() => new BirdControlClient(SocketPath).ReadAsync(TestContext.Current.CancellationToken));

        Assert.Contains("longer than", error.Message);
    }

    [Fact]
    public async Task ReadAsync_DaemonHangs_EndsWhenTheCallerCancels()
    {
        _ = ServeAsync(BirdParserTests.Fixture("bird-hello.txt"), _ => null);
        using var cancel = new CancellationTokenSource();

        var read = new BirdControlClient(SocketPath).ReadAsync(cancel.Token);
        await Task.Yield();
        Assert.False(read.IsCompleted);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }
}
