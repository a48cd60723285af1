using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using HaDirector.Director;
using HaDirector.Director.Configuration;
using HaDirector.Director.Control;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace HaDirector.Director.Tests.Control;

/// <summary>
/// The control socket's answer to a command that takes long (a reload of a large table on a loaded machine): the
/// client is told the command goes on, instead of getting an empty answer once the command's deadline passes.
/// A real Unix socket; the command's deadline runs on a fake clock.
/// </summary>
public sealed class ControlServerTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hadirector-control-").FullName;
    private readonly FakeTimeProvider _time = new();
    private readonly IControlHandler _handler = Substitute.For<IControlHandler>();
    private readonly ControlServer _server;

    public ControlServerTests()
    {
        var config = new DirectorConfig { Control = new ControlConfig { Socket = System.IO.Path.Combine(_directory, "control.sock") } };
        _server = new ControlServer(new RunningConfig(System.IO.Path.Combine(_directory, "director.yaml"), config), _handler, _time,
            NullLogger<ControlServer>.Instance);
    }

    private string SocketPath => System.IO.Path.Combine(_directory, "control.sock");

    public async ValueTask InitializeAsync()
    {
        await _server.StartAsync(TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(SocketPath) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(CancellationToken.None);
        _server.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task SlowCommand_PastItsDeadline_ClientIsToldItGoesOn_AndTheCommandIsNotCancelled()
    {
        var finish = new TaskCompletionSource<ControlResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler.HandleAsync(Arg.Any<ControlRequest>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            started.TrySetResult(call.Arg<CancellationToken>());
            return finish.Task;
        });

        using var client = Connect();
        client.Send("{\"verb\":\"reload\"}\n"u8);
        var commandToken = await started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // A second of fake time at a time until the answer comes: the deadline's timer may be armed just after the
        // command started, so the answer must come after 30 s of fake time and no later than 31 s.
        var advanced = TimeSpan.Zero;
        while (!client.Poll(20_000, SelectMode.SelectRead) && advanced < TimeSpan.FromMinutes(2))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
        }

        Assert.InRange(advanced, ControlServer.CommandTimeout, ControlServer.CommandTimeout + TimeSpan.FromSeconds(1));
        var answer = Read(client);

        Assert.Equal(ExitCodes.Failure, answer.ExitCode);
        Assert.Contains("'reload' did not finish within 30 s and goes on in the daemon", answer.Message);
        Assert.False(commandToken.IsCancellationRequested, "the command was cancelled with the answer");
        finish.SetResult(new ControlResponse(ExitCodes.Ok, "reloaded"));
    }

    [Fact]
    public async Task CommandWithinItsDeadline_ItsOwnAnswer()
    {
        _handler.HandleAsync(Arg.Is<ControlRequest>(r => r.Verb == "status"), Arg.Any<CancellationToken>())
            .Returns(new ControlResponse(ExitCodes.Ok, "all well"));

        using var client = Connect();
        client.Send("{\"verb\":\"status\"}\n"u8);
        var answer = await Task.Run(() => Read(client), TestContext.Current.CancellationToken);

        Assert.Equal(new ControlResponse(ExitCodes.Ok, "all well"), answer);
    }

    [Fact]
    public void CommandThatThrows_AnsweredWithTheError_AndTheSocketServesTheNextRequest()
    {
        _handler.HandleAsync(Arg.Is<ControlRequest>(r => r.Verb == "reload"), Arg.Any<CancellationToken>())
            .Returns<Task<ControlResponse>>(_ => throw new InvalidOperationException("the table is gone"));
        _handler.HandleAsync(Arg.Is<ControlRequest>(r => r.Verb == "status"), Arg.Any<CancellationToken>())
            .Returns(new ControlResponse(ExitCodes.Ok, "all well"));

        using (var client = Connect())
        {
            client.Send("{\"verb\":\"reload\"}\n"u8);
            var answer = Read(client);
            Assert.Equal(ExitCodes.Failure, answer.ExitCode);
            Assert.Equal("'reload' failed in the daemon: the table is gone (details in the journal)", answer.Message);
        }

        using var next = Connect();
        next.Send("{\"verb\":\"status\"}\n"u8);
        Assert.Equal("all well", Read(next).Message);
    }

    private Socket Connect()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
        socket.ReceiveTimeout = 10_000;
        return socket;
    }

    private static ControlResponse Read(Socket client)
    {
        var bytes = new List<byte>();
        var buffer = new byte[4096];
        int read;
        while ((read = client.Receive(buffer)) > 0)
        {
            bytes.AddRange(buffer.AsSpan(0, read));
        }

        Assert.NotEmpty(bytes);
        return JsonSerializer.Deserialize(Encoding.UTF8.GetString([.. bytes]), ControlJsonContext.Default.ControlResponse)!;
    }
}
