using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using HaDirector.Linux.Interop;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Control;

/// <summary>
/// The control socket: a Unix stream socket (mode 0600 in a 0700 directory we create) that accepts only
/// root (SO_PEERCRED), one JSON request and one JSON answer per connection. A failure here is logged and
/// never stops the director: VRRP and IPVS matter more than the CLI.
/// </summary>
public sealed partial class ControlServer(RunningConfig config, ControlHandler handler, ILogger<ControlServer> logger) : BackgroundService
{
    private const int MaxRequestBytes = 64 * 1024;
    private string? _boundPath;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = config.Current.Control.Socket;
        Socket listener;
        try
        {
            listener = Bind(path);
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            LogBindFailed(logger, path, ex.Message);
            return;
        }

        using (listener)
        {
            LogListening(logger, path);
            try
            {
                DaemonRecord.Write(config.Path, path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogRecordFailed(logger, RuntimeDirectory.Path, ex.Message);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await listener.AcceptAsync(stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (SocketException ex)
                {
                    LogAcceptFailed(logger, ex.Message);
                    continue;
                }

                _ = ServeAsync(client, stoppingToken);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_boundPath is not null)
        {
            File.Delete(_boundPath);
            DaemonRecord.Delete(config.Path);
        }
    }

    private Socket Bind(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the control socket needs Linux");
        }

        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (File.Exists(path))
        {
            if (IsAnswering(path))
            {
                throw new InvalidOperationException("another hadirector is answering on it");
            }

            File.Delete(path); // left by a crash
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(16);
            _boundPath = path;
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsAnswering(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stoppingToken)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            ControlResponse response;
            try
            {
                // Read first even when refusing: closing with the request unread would reset the connection.
                var request = await ReadRequestAsync(client, timeout.Token);
                var uid = LinuxSocket.PeerUserId(client);
                if (uid != 0)
                {
                    LogRefused(logger, uid);
                    response = new ControlResponse(ExitCodes.Failure, "permission denied: the control socket answers root only");
                }
                else
                {
                    response = request is null
                        ? new ControlResponse(ExitCodes.Failure, "malformed request: expected one JSON object on one line")
                        : await handler.HandleAsync(request, timeout.Token);
                }

                var bytes = JsonSerializer.SerializeToUtf8Bytes(response, ControlJsonContext.Default.ControlResponse);
                await client.SendAsync(bytes.Append((byte)'\n').ToArray(), SocketFlags.None, timeout.Token);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogServeFailed(logger, ex.Message);
            }
        }
    }

    private static async Task<ControlRequest?> ReadRequestAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (Array.IndexOf(buffer, (byte)'\n', length - read, read) >= 0)
            {
                break;
            }
        }

        return ParseRequest(buffer.AsSpan(0, length));
    }

    /// <summary>The request in the bytes a client sent, or null when they are not one JSON object (bench/fuzz: control).</summary>
    internal static ControlRequest? ParseRequest(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return JsonSerializer.Deserialize(Encoding.UTF8.GetString(bytes).Trim(), ControlJsonContext.Default.ControlRequest);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "control socket listening on {Path}")]
    private static partial void LogListening(ILogger logger, string path);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "control socket {Path} not available: {Error} (the director runs on; the CLI cannot reach it)")]
    private static partial void LogBindFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "control socket: refused a request from uid {Uid} (root only)")]
    private static partial void LogRefused(ILogger logger, uint uid);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "control socket: {Error}")]
    private static partial void LogServeFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 4050, Level = LogLevel.Warning, Message = "control socket: cannot record it in {Directory}: {Error} (the CLI finds it only by the file's control.socket)")]
    private static partial void LogRecordFailed(ILogger logger, string directory, string error);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "control socket: accept failed: {Error}")]
    private static partial void LogAcceptFailed(ILogger logger, string error);
}
