using HaDirector.Director.Configuration;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Announce;

/// <summary>
/// Reads the routing daemon's BGP and BFD sessions every <c>interval</c> on a timer of its own and keeps the last
/// reading for status and the metrics; nothing waits for it (not the announce passes, not status). A read that does
/// not end within <c>timeout</c> is abandoned and shown as a failure; a read still running when the next is due is not
/// doubled. Changes are logged: the daemon unreachable or back, a session leaving or reaching Established, BFD down or up.
/// </summary>
public sealed partial class RoutingDaemonMonitor : IDisposable
{
    private readonly IRoutingDaemonClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AnnounceMetrics? _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _timer;
    private readonly Lock _recording = new();
    private RoutingDaemonReading? _last;
    private int _reading;

    public RoutingDaemonMonitor(RoutingDaemonConfig config, IRoutingDaemonClient client, TimeProvider time, ILogger logger, AnnounceMetrics? metrics = null)
    {
        Config = config;
        _client = client;
        _time = time;
        _logger = logger;
        _metrics = metrics;
    }

    public RoutingDaemonConfig Config { get; }

    /// <summary>The last reading; null before the first one ended.</summary>
    public RoutingDaemonReading? Last => Volatile.Read(ref _last);

    /// <summary>The real client for <paramref name="config"/>.</summary>
    public static IRoutingDaemonClient ClientFor(RoutingDaemonConfig config) => config.Type == RoutingDaemonType.Bird
        ? new BirdControlClient(config.EffectiveSocket!)
        : new FrrVtyshClient("vtysh", config.EffectiveSocket);

    /// <summary>Reads at once, then every interval.</summary>
    public void Start()
    {
        _ = ReadAsync();
        _timer = _time.CreateTimer(_ => _ = ReadAsync(), null, Config.Interval, Config.Interval);
    }

    /// <summary>One read (skipped while another runs); the task ends when the reading is stored.</summary>
    public async Task ReadAsync()
    {
        if (Interlocked.Exchange(ref _reading, 1) == 1)
        {
            return;
        }

        try
        {
            RoutingDaemonReading reading;
            using var timeout = new CancellationTokenSource(Config.Timeout, _time);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, timeout.Token);
            try
            {
                // WaitAsync too: a client that ignores its token must still not hold the reading up.
                var snapshot = await Task.Run(() => _client.ReadAsync(deadline.Token), CancellationToken.None).WaitAsync(deadline.Token);
                reading = new RoutingDaemonReading(_time.GetUtcNow(), null, snapshot);
            }
            catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
            {
                reading = new RoutingDaemonReading(_time.GetUtcNow(), $"no answer within {DurationText.Format(Config.Timeout)}", RoutingDaemonReading.Nothing);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // Whatever the daemon said that the reader could not take is this reading's failure, never the daemon's.
                reading = new RoutingDaemonReading(_time.GetUtcNow(), ex is IOException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}", RoutingDaemonReading.Nothing);
            }

            // The next read may start before this one is stored: a timer that fires between the two must not find it
            // still "running" and skip (seen on a loaded machine: a whole interval without a reading).
            Volatile.Write(ref _reading, 0);
            Record(reading);
        }
        catch (Exception ex) when (ex is ObjectDisposedException || (ex is OperationCanceledException && _stopping.IsCancellationRequested))
        {
            // Disposed while reading.
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
        _metrics?.ClearRoutingDaemon();
    }

    private void Record(RoutingDaemonReading reading)
    {
        lock (_recording)
        {
            // Two readings may be stored at once (see ReadAsync); an older one never replaces a newer.
            if (_last is { } newer && newer.At > reading.At)
            {
                return;
            }

            RecordLocked(reading);
        }
    }

    private void RecordLocked(RoutingDaemonReading reading)
    {
        if (_stopping.IsCancellationRequested)
        {
            return; // disposed meanwhile: its series are gone and stay gone
        }

        var before = Interlocked.Exchange(ref _last, reading);
        _metrics?.SetRoutingDaemon(Config.Type, reading);
        if (reading.Error is { } error)
        {
            if (before is null || before.Error != error)
            {
                LogUnreachable(_logger, Name, Config.EffectiveSocket ?? "vtysh", error);
            }

            return;
        }

        if (before is { Reachable: false })
        {
            LogReachable(_logger, Name);
        }

        var sessionsBefore = before?.Snapshot.Sessions.ToDictionary(s => s.Name, StringComparer.Ordinal) ?? [];
        foreach (var session in reading.Snapshot.Sessions)
        {
            var was = sessionsBefore.GetValueOrDefault(session.Name);
            if (session.Established && was is { Established: false })
            {
                LogSessionEstablished(_logger, session.Name, session.Neighbor ?? "");
            }
            else if (!session.Established && (was is null || was.Established))
            {
                LogSessionNotEstablished(_logger, session.Name, session.Neighbor ?? "", session.State, session.Info ?? "");
            }
        }

        var bfdBefore = before?.Snapshot.Bfd.ToDictionary(s => (s.Neighbor, s.Interface)) ?? [];
        foreach (var session in reading.Snapshot.Bfd)
        {
            var was = bfdBefore.GetValueOrDefault((session.Neighbor, session.Interface));
            if (session.Up && was is { Up: false })
            {
                LogBfdUp(_logger, session.Neighbor, session.Interface ?? "");
            }
            else if (!session.Up && (was is null || was.Up))
            {
                LogBfdDown(_logger, session.Neighbor, session.Interface ?? "", session.State);
            }
        }
    }

    private string Name => Config.Type == RoutingDaemonType.Bird ? "bird" : "frr";

    [LoggerMessage(EventId = 6070, Level = LogLevel.Warning, Message = "cannot read the routing daemon ({Daemon} at {Socket}): {Error}; status shows its sessions as unknown")]
    private static partial void LogUnreachable(ILogger logger, string daemon, string socket, string error);

    [LoggerMessage(EventId = 6071, Level = LogLevel.Information, Message = "the routing daemon ({Daemon}) answers again")]
    private static partial void LogReachable(ILogger logger, string daemon);

    [LoggerMessage(EventId = 6072, Level = LogLevel.Information, Message = "BGP session {Session} ({Neighbor}) established")]
    private static partial void LogSessionEstablished(ILogger logger, string session, string neighbor);

    [LoggerMessage(EventId = 6073, Level = LogLevel.Warning, Message = "BGP session {Session} ({Neighbor}) is {State}, not established: the router does not hear this director's announcements through it {Info}")]
    private static partial void LogSessionNotEstablished(ILogger logger, string session, string neighbor, string state, string info);

    [LoggerMessage(EventId = 6074, Level = LogLevel.Information, Message = "BFD session to {Neighbor} {InterfaceName} up")]
    private static partial void LogBfdUp(ILogger logger, string neighbor, string interfaceName);

    [LoggerMessage(EventId = 6075, Level = LogLevel.Warning, Message = "BFD session to {Neighbor} {InterfaceName} is {State}")]
    private static partial void LogBfdDown(ILogger logger, string neighbor, string interfaceName, string state);
}
