using System.Buffers;
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
/// <remarks>
/// Bounded against abuse (issue 17): at most <see cref="MaxConnections"/> connections are served at once (more are
/// closed at once), a request must arrive within <see cref="RequestTimeout"/> (slowloris) and fit in
/// <see cref="MaxRequestBytes"/>, buffers are pooled, and each kind of failure is logged once a minute with how many
/// were not: 10,000 dropped connections cost neither memory nor 10,000 journal lines.
/// Each phase has its own deadline: reading the request (<see cref="RequestTimeout"/>), carrying out the command
/// (<see cref="CommandTimeout"/>: past it the client is told the command goes on, rather than getting no answer), and
/// sending the answer (<see cref="SendTimeout"/>).
/// </remarks>
public sealed partial class ControlServer(RunningConfig config, IControlHandler handler, TimeProvider time, ILogger<ControlServer> logger) : BackgroundService
{
    public const int MaxRequestBytes = 64 * 1024;
    public const int MaxConnections = 32;
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a command may run before the client is answered that it is still running (the CLI waits 60 s).</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private readonly Lock _logGate = new();
    private readonly Dictionary<string, HaDirector.Director.Vrrp.SeenRecord> _failures = [];
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

                if (!_slots.Wait(0, CancellationToken.None))
                {
                    // Every slot busy: close at once rather than queue without bound.
                    client.Dispose();
                    LogThrottled("busy", suppressed => LogBusy(logger, MaxConnections, suppressed));
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
        var buffer = ArrayPool<byte>.Shared.Rent(MaxRequestBytes);
        var phase = "read";
        string? verb = null;
        try
        {
            using (client)
            {
                // Read first even when refusing: closing with the request unread would reset the connection.
                ControlRequest? request;
                string problem;
                using (var reading = Deadline(RequestTimeout, stoppingToken))
                {
                    (request, problem) = await ReadRequestAsync(client, buffer, reading.Token);
                }

                ControlResponse response;
                var uid = LinuxSocket.PeerUserId(client);
                if (uid != 0)
                {
                    LogThrottled("uid " + uid, suppressed => LogRefused(logger, uid, suppressed));
                    response = new ControlResponse(ExitCodes.Failure, "permission denied: the control socket answers root only");
                }
                else if (request is null)
                {
                    response = new ControlResponse(ExitCodes.Failure, problem);
                }
                else
                {
                    phase = "command";
                    verb = request.Verb;
                    response = await CarryOutAsync(request, stoppingToken);
                }

                phase = "send";
                var bytes = JsonSerializer.SerializeToUtf8Bytes(response, ControlJsonContext.Default.ControlResponse);
                using var sending = Deadline(SendTimeout, stoppingToken);
                await client.SendAsync(bytes.Append((byte)'\n').ToArray(), SocketFlags.None, sending.Token);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (!stoppingToken.IsCancellationRequested)
            {
                var error = ex is not OperationCanceledException ? ex.Message
                    : phase == "read" ? $"no complete request within {RequestTimeout.TotalSeconds:0} s; connection closed"
                    : phase == "send" ? $"the answer to '{verb ?? "a refused request"}' was not taken within {SendTimeout.TotalSeconds:0} s; connection closed"
                    : $"'{verb}' was cancelled: {ex.Message}";
                LogThrottled(error, suppressed => LogServeFailed(logger, error, suppressed));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _slots.Release();
        }
    }

    /// <summary>
    /// The command's answer, or, when it takes longer than <see cref="CommandTimeout"/>, an answer that says so: the
    /// command is not abandoned halfway (a reload or a failover that is under way completes; only the daemon's stop
    /// cancels it), and the client learns where to look instead of getting nothing.
    /// </summary>
    private async Task<ControlResponse> CarryOutAsync(ControlRequest request, CancellationToken stoppingToken)
    {
        Task<ControlResponse>? running = null;
        try
        {
            running = handler.HandleAsync(request, stoppingToken);
            return await running.WaitAsync(CommandTimeout, time, stoppingToken);
        }
        catch (TimeoutException) when (running is { IsCompletedSuccessfully: true })
        {
            return running.Result; // it finished as the deadline passed
        }
        catch (TimeoutException) when (running is { IsCompleted: false })
        {
            LogCommandSlow(logger, request.Verb, CommandTimeout.TotalSeconds);
            _ = running.ContinueWith(t => LogCommandFinished(logger, request.Verb, t.IsCompletedSuccessfully ? t.Result.Message : t.Exception?.GetBaseException().Message ?? "cancelled"),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return new ControlResponse(ExitCodes.Failure,
                $"'{request.Verb}' did not finish within {CommandTimeout.TotalSeconds:0} s and goes on in the daemon; "
                + "its outcome will be in the journal (journalctl -u hadirector) and in `hadirector status`");
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // A verb's bug must not leave the client with no answer (and the daemon runs on either way).
            LogCommandFailed(logger, request.Verb, ex);
            return new ControlResponse(ExitCodes.Failure, $"'{request.Verb}' failed in the daemon: {ex.Message} (details in the journal)");
        }
    }

    private static CancellationTokenSource Deadline(TimeSpan after, CancellationToken stoppingToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        source.CancelAfter(after);
        return source;
    }

    /// <summary>One JSON object on one line; null with the reason the client is told otherwise.</summary>
    private static async Task<(ControlRequest? Request, string Problem)> ReadRequestAsync(Socket client, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        var complete = false;
        while (length < MaxRequestBytes)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(length, MaxRequestBytes - length), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                complete = true;
                break;
            }

            length += read;
            if (Array.IndexOf(buffer, (byte)'\n', length - read, read) >= 0)
            {
                complete = true;
                break;
            }
        }

        if (!complete)
        {
            return (null, $"request too large: at most {MaxRequestBytes / 1024} KiB, one JSON object on one line");
        }

        return (ParseRequest(buffer.AsSpan(0, length)), "malformed request: expected one JSON object on one line");
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

    /// <summary>Logs one line per kind a minute, with how many of that kind were not logged meanwhile.</summary>
    private void LogThrottled(string kind, Action<long> log)
    {
        long? suppressed;
        lock (_logGate)
        {
            if (!_failures.TryGetValue(kind, out var seen))
            {
                if (_failures.Count >= 64)
                {
                    _failures.Clear(); // many kinds (varied exception texts): forget, never grow without bound
                }

                _failures[kind] = seen = new HaDirector.Director.Vrrp.SeenRecord { FirstSeen = TimeProvider.System.GetUtcNow() };
            }

            suppressed = seen.Hit(TimeProvider.System.GetUtcNow(), LogEvery);
        }

        if (suppressed is { } count)
        {
            log(count);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "control socket listening on {Path}")]
    private static partial void LogListening(ILogger logger, string path);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "control socket {Path} not available: {Error} (the director runs on; the CLI cannot reach it)")]
    private static partial void LogBindFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "control socket: refused a request from uid {Uid} (root only); {Suppressed} more not logged (one line a minute)")]
    private static partial void LogRefused(ILogger logger, uint uid, long suppressed);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "control socket: {Error}; {Suppressed} more not logged (one line a minute)")]
    private static partial void LogServeFailed(ILogger logger, string error, long suppressed);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "control socket: {Max} connections already being served; closed a new one at once; {Suppressed} more not logged (one line a minute)")]
    private static partial void LogBusy(ILogger logger, int max, long suppressed);

    [LoggerMessage(EventId = 4050, Level = LogLevel.Warning, Message = "control socket: cannot record it in {Directory}: {Error} (the CLI finds it only by the file's control.socket)")]
    private static partial void LogRecordFailed(ILogger logger, string directory, string error);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "control socket: '{Verb}' did not finish within {Seconds} s; the client was told it goes on")]
    private static partial void LogCommandSlow(ILogger logger, string verb, double seconds);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "control socket: '{Verb}' finished after its answer: {Outcome}")]
    private static partial void LogCommandFinished(ILogger logger, string verb, string outcome);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Error, Message = "control socket: '{Verb}' failed")]
    private static partial void LogCommandFailed(ILogger logger, string verb, Exception exception);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "control socket: accept failed: {Error}")]
    private static partial void LogAcceptFailed(ILogger logger, string error);
}
