using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HaDirector.Director.Configuration;
using Microsoft.Extensions.Hosting;
using Prometheus;

namespace HaDirector.Director.Hosting;

/// <summary>Serves /metrics on exactly the configured address (nothing wider), or nothing when metrics are off.</summary>
/// <remarks>
/// A socket of its own rather than prometheus-net's MetricServer: that one sits on the managed HttpListener,
/// which on Linux refuses an IPv6 literal in its prefix ("Invalid port in prefix", dotnet/runtime#34399), so
/// <c>listen: "[::1]:9810"</c> could not start, and which also raced with a scrape arriving while it started
/// (dotnet/corefx#35191). A scrape is one GET answered with the text format and the connection closed.
/// </remarks>
public sealed class MetricsEndpoint : IHostedService, IDisposable
{
    private const int MaxRequestHead = 8192;
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const string TextFormat = "text/plain; version=0.0.4; charset=utf-8";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Scrapes served at once; more are closed at once, so idle or hostile clients cannot pile up sockets and memory.</summary>
    public const int MaxConnections = 64;
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);

    private readonly MetricsConfig _config;
    private readonly CollectorRegistry _registry;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;

    public MetricsEndpoint(MetricsConfig config, CollectorRegistry registry)
    {
        _config = config;
        _registry = registry;
    }

    /// <summary>Binds and listens before returning: a port in use fails the start, as it should.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The first hosted service to start: the host made every hosted service before (bench/failover/cold-start).
        HaDirector.Vrrp.Timing.TakeoverTrace.Mark("metrics-start");
        if (_config.Listen is not { } listen)
        {
            return Task.CompletedTask;
        }

        var listener = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // "[::]" is every address of both families, as 0.0.0.0 is of IPv4; any other address is that one only.
            if (listen.AddressFamily == AddressFamily.InterNetworkV6)
            {
                listener.DualMode = listen.Address.Equals(IPAddress.IPv6Any);
            }

            // SO_REUSEADDR alone, so a restart binds past its old connections' TIME_WAIT. Not .NET's ReuseAddress,
            // which on Linux sets SO_REUSEPORT too and would let a second daemon listen on the same port.
            listener.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            listener.Bind(listen);
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _accepting = AcceptAsync(listener, _stop.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        _listener?.Dispose();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener?.Dispose();
        _stop.Dispose();
        _slots.Dispose();
    }

    private async Task AcceptAsync(Socket listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stop);
            }
            catch (SocketException)
            {
                // EMFILE/ENFILE (out of descriptors) or a connection reset before accept: never end the loop over it,
                // or /metrics is gone until a restart. Pause so a descriptor shortage does not spin.
                await Task.Delay(TimeSpan.FromMilliseconds(100), stop);
                continue;
            }

            if (!_slots.Wait(0, CancellationToken.None))
            {
                client.Dispose();
                continue;
            }

            _ = ServeAsync(client, stop);
        }
    }

    /// <summary>One request; every failure (a client gone, a timeout) just ends the connection.</summary>
    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        using var connection = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            await ServeRequestAsync(connection, timeout.Token);
        }
        finally
        {
            try
            {
                _slots.Release();
            }
            catch (ObjectDisposedException)
            {
                // stopping: nothing waits for the slot any more
            }
        }
    }

    private async Task ServeRequestAsync(Socket connection, CancellationToken cancellationToken)
    {
        try
        {
            var head = await ReadHeadAsync(connection, cancellationToken);
            var (status, body) = await AnswerAsync(head, cancellationToken);
            var response = new MemoryStream();
            var contentType = status == 200 ? TextFormat : "text/plain; charset=utf-8";
            response.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n")));
            if (!head.StartsWith("HEAD ", StringComparison.Ordinal))
            {
                response.Write(body);
            }

            await connection.SendAsync(response.GetBuffer().AsMemory(0, (int)response.Length), cancellationToken);
            connection.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    private async Task<(int Status, byte[] Body)> AnswerAsync(string head, CancellationToken cancellationToken)
    {
        var line = head.AsSpan(0, Math.Max(0, head.IndexOf('\r', StringComparison.Ordinal)));
        var parts = line.ToString().Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return (400, "bad request\n"u8.ToArray());
        }

        if (parts[0] is not ("GET" or "HEAD"))
        {
            return (405, "only GET\n"u8.ToArray());
        }

        var path = parts[1].Split('?')[0];
        if (path is not ("/metrics" or "/metrics/"))
        {
            return (404, "not found: metrics are at /metrics\n"u8.ToArray());
        }

        try
        {
            using var body = new MemoryStream();
            await _registry.CollectAndExportAsTextAsync(body, cancellationToken);
            return (200, body.ToArray());
        }
        catch (ScrapeFailedException ex)
        {
            return (503, Encoding.UTF8.GetBytes($"scrape failed: {ex.Message}\n"));
        }
    }

    /// <summary>The request line and headers (up to the empty line); the body of a GET is none.</summary>
    private static async Task<string> ReadHeadAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestHead];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        return Encoding.ASCII.GetString(buffer, 0, length);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Service Unavailable",
    };
}
