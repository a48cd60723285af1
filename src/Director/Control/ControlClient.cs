using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace HaDirector.Director.Control;

/// <summary>The CLI's side of the control socket: one request, one answer.</summary>
public static class ControlClient
{
    public static async Task<ControlResponse> SendAsync(string socketPath, ControlRequest request, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel.Token);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AccessDenied)
        {
            return new ControlResponse(ExitCodes.DaemonUnreachable, $"permission denied on {socketPath}: the control socket is root-only (run as root)");
        }
        catch (SocketException) when (!File.Exists(socketPath))
        {
            // Connecting to a path that is not there says "Cannot assign requested address" (ENOENT mapped).
            return new ControlResponse(ExitCodes.DaemonUnreachable,
                $"the control socket {socketPath} does not exist: hadirector is not running, or not with this control socket. "
                + "Use --config FILE (the file the daemon runs) or --socket PATH.");
        }
        catch (SocketException ex)
        {
            return new ControlResponse(ExitCodes.DaemonUnreachable,
                $"hadirector is not running, or not with this control socket: cannot connect to {socketPath} ({ex.Message}). "
                + "Use --config FILE (its control.socket) or --socket PATH.");
        }

        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(request, ControlJsonContext.Default.ControlRequest);
            await socket.SendAsync(bytes.Append((byte)'\n').ToArray(), SocketFlags.None, cancel.Token);
            using var answer = new MemoryStream();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
            }

            var text = Encoding.UTF8.GetString(answer.GetBuffer(), 0, (int)answer.Length).Trim();
            return JsonSerializer.Deserialize(text, ControlJsonContext.Default.ControlResponse)
                ?? new ControlResponse(ExitCodes.Failure, "the daemon sent an empty answer");
        }
        catch (OperationCanceledException)
        {
            return new ControlResponse(ExitCodes.DaemonUnreachable, $"no answer from {socketPath} within {timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is SocketException or JsonException)
        {
            return new ControlResponse(ExitCodes.Failure, $"bad answer from {socketPath}: {ex.Message}");
        }
    }
}
