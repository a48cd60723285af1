using System.Net.Sockets;
using System.Text;

namespace HaDirector.HealthCheck.Tests.Support;

/// <summary>Connection handlers for <see cref="LoopbackServer"/> that play a (mis)behaving HTTP server.</summary>
public static class HttpServerScripts
{
    public static string Response(int status, string body, string? extraHeaders = null) =>
        $"HTTP/1.1 {status} X\r\nContent-Length: {Encoding.ASCII.GetByteCount(body)}\r\n{extraHeaders}Connection: close\r\n\r\n{body}";

    /// <summary>Reads the request head, then writes <paramref name="response"/> and closes.</summary>
    public static Func<Socket, CancellationToken, Task> Answer(string response, Action<string>? request = null) =>
        async (socket, token) =>
        {
            await using var stream = new NetworkStream(socket);
            var head = await ReadHeadAsync(stream, token);
            request?.Invoke(head);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), token);
        };

    /// <summary>Reads the request, signals, then waits for <paramref name="release"/> before answering (or never).</summary>
    public static Func<Socket, CancellationToken, Task> Hold(TaskCompletionSource received, Task release, string response) =>
        async (socket, token) =>
        {
            await using var stream = new NetworkStream(socket);
            await ReadHeadAsync(stream, token);
            received.TrySetResult();
            await release.WaitAsync(token);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), token);
        };

    /// <summary>Sends the head and part of the body, then resets the connection (RST, not FIN).</summary>
    public static Func<Socket, CancellationToken, Task> ResetMidBody() =>
        async (socket, token) =>
        {
            await using var stream = new NetworkStream(socket);
            await ReadHeadAsync(stream, token);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial"u8.ToArray(), token);
            await stream.FlushAsync(token);
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        };

    public static async Task<string> ReadHeadAsync(Stream stream, CancellationToken token)
    {
        var buffer = new byte[8192];
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), token);
            if (read == 0)
            {
                break;
            }

            total += read;
            if (buffer.AsSpan(0, total).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        return Encoding.ASCII.GetString(buffer, 0, total);
    }
}
