using System.Globalization;
using HaDirector.Director.Configuration;
using HaDirector.Director.Kernel;
using HaDirector.Director.Metrics;
using HaDirector.HealthCheck.Policy;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Tracking;

/// <summary>
/// keepalived's per-real-server <c>notify_up</c> and <c>notify_down</c>: the command of a real server's new health state,
/// run as written through <c>/bin/sh -c</c> (<c>notify_up</c> only after a down: a server starts alive). Off the checking thread, one queue per real server (its hooks run one at a
/// time and in order); a failure is logged and counted as the instances' hooks are.
/// </summary>
public sealed partial class RealServerNotify(ICommandRunner runner, TrackingMetrics? metrics, ILogger<RealServerNotify> logger)
{
    /// <summary>keepalived gives these no timeout of their own; ours is the instances' hooks' default.</summary>
    public static readonly TimeSpan Timeout = new NotifyConfig().Timeout;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task> _queues = new(StringComparer.Ordinal);
    private readonly HashSet<string> _down = new(StringComparer.Ordinal);

    /// <summary>Completes when every hook queued so far has run (tests).</summary>
    public Task Drained
    {
        get
        {
            lock (_gate)
            {
                return Task.WhenAll(_queues.Values);
            }
        }
    }

    /// <summary>For <c>HealthServiceOptions.StateChanged</c>: never blocks.</summary>
    public void OnStateChanged(string virtualServer, RealServerConfig realServer, HealthState state)
    {
        ArgumentNullException.ThrowIfNull(realServer);
        var name = string.Create(CultureInfo.InvariantCulture, $"{virtualServer} {realServer.Address}:{realServer.Port}");
        lock (_gate)
        {
            // As keepalived: a server starts alive, so its first success is no news; notify_up follows a down only.
            var command = state switch
            {
                HealthState.Up when _down.Remove(name) => realServer.NotifyUp,
                HealthState.Down when _down.Add(name) => realServer.NotifyDown,
                _ => null,
            };
            if (command is null)
            {
                return;
            }

            var tail = _queues.GetValueOrDefault(name, Task.CompletedTask);
            _queues[name] = tail.ContinueWith(
                _ => RunAsync(name, command),
                CancellationToken.None,
                TaskContinuationOptions.RunContinuationsAsynchronously,
                TaskScheduler.Default).Unwrap();
        }
    }

    private async Task RunAsync(string name, string command)
    {
        metrics?.NotifyRuns.WithLabels(name).Inc();
        CommandResult result;
        try
        {
            result = await runner.RunAsync(command, [], Timeout, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            result = new CommandResult(null, e.Message);
        }

        if (!result.Succeeded)
        {
            metrics?.NotifyFailures.WithLabels(name).Inc();
            LogFailed(logger, name, command, result.ToString());
        }
    }

    [LoggerMessage(EventId = 1520, Level = LogLevel.Warning, Message = "real server {Name}: notify hook '{Command}' failed: {Result}")]
    private static partial void LogFailed(ILogger logger, string name, string command, string result);
}
