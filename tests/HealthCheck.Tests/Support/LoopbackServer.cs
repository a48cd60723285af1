using System.Net;
using System.Net.Sockets;

namespace HaDirector.HealthCheck.Tests.Support;

/// <summary>
/// A TCP listener on a 127.0.0.x address and an ephemeral port, running <c>handle</c> for each connection it
/// accepts. Spreading tests over 127/8 keeps them from sharing ports with each other.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private static int NextHost = 10;

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly List<Task> _handlers = [];
    private Socket? _filler;

    private LoopbackServer(Socket listener, Func<Socket, CancellationToken, Task>? handle)
    {
        _listener = listener;
        _acceptLoop = handle is null ? Task.CompletedTask : AcceptAsync(handle);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Remote end points of accepted connections, in order.</summary>
    public List<IPEndPoint> Accepted { get; } = [];

    public static IPAddress NextAddress() => IPAddress.Parse($"127.0.0.{Interlocked.Increment(ref NextHost) % 250 + 2}");

    public static LoopbackServer Start(Func<Socket, CancellationToken, Task> handle) => Listen(handle, backlog: 64);

    /// <summary>Like <see cref="Start"/>, on ::1.</summary>
    public static LoopbackServer StartIpv6(Func<Socket, CancellationToken, Task> handle)
    {
        var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        socket.Listen(64);
        return new LoopbackServer(socket, handle);
    }

    /// <summary>
    /// Never accepts, and its one-slot accept queue is filled by a connection of its own, so the kernel drops
    /// every further SYN: a connect to it hangs, as to a blackholed host.
    /// </summary>
    public static LoopbackServer Blackhole()
    {
        var server = Listen(null, backlog: 0);
        server._filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server._filler.Connect(server.EndPoint);
        return server;
    }

    /// <summary>An address and port where nothing listens: connects are refused.</summary>
    public static IPEndPoint Closed()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(NextAddress(), 0));
        return (IPEndPoint)socket.LocalEndPoint!;
    }

    private static LoopbackServer Listen(Func<Socket, CancellationToken, Task>? handle, int backlog)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(NextAddress(), 0));
        socket.Listen(backlog);
        return new LoopbackServer(socket, handle);
    }

    private async Task AcceptAsync(Func<Socket, CancellationToken, Task> handle)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            lock (Accepted)
            {
                Accepted.Add((IPEndPoint)client.RemoteEndPoint!);
                _handlers.Add(Serve(client, handle));
            }
        }
    }

    private async Task Serve(Socket client, Func<Socket, CancellationToken, Task> handle)
    {
        try
        {
            await handle(client, _stop.Token);
        }
        catch (Exception)
        {
            // The probe hung up first (its timeout, a rejected certificate): tests judge the probe's side.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        Task[] pending;
        lock (Accepted)
        {
            pending = [.. _handlers];
        }

        _filler?.Dispose();
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
