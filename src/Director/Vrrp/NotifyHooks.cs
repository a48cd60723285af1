using HaDirector.Director.Configuration;
using HaDirector.Director.Kernel;
using HaDirector.Director.Metrics;
using HaDirector.Vrrp.Election;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// Runs <c>notify</c> hooks on transitions, as keepalived calls them: <c>COMMAND INSTANCE|GROUP NAME STATE PRIORITY</c>
/// (the group's without a priority), then the state's own command (<c>master</c>, <c>backup</c>, <c>fault</c>,
/// <c>stop</c>) as written. Off the election's thread: each instance and group has one queue, so its hooks run one at a
/// time and in order, and never delay an advert or a takeover; a failure is logged and counted. A group's hooks run
/// when all its members reached the same state.
/// </summary>
internal sealed partial class NotifyHooks(ICommandRunner runner, TrackingMetrics? metrics, ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly List<(VrrpInstance Instance, Action<VrrpInstanceRuntime, VrrpAction.StateChanged> Handler)> _attached = [];
    private readonly Dictionary<string, Task> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VrrpState> _groupStates = new(StringComparer.Ordinal);

    /// <summary>Completes when every hook queued so far has run (tests, and a stop that waits for the STOP hooks).</summary>
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

    public void Attach(DirectorConfig config, IReadOnlyList<VrrpInstance> instances)
    {
        lock (_gate)
        {
            foreach (var (instance, handler) in _attached)
            {
                instance.Runtime.Transitioned -= handler;
            }

            _attached.Clear();
            var byName = instances.ToDictionary(i => i.Config.Name, StringComparer.Ordinal);
            foreach (var instance in instances)
            {
                var groups = config.Vrrp.SyncGroups.Where(g => g.Notify is not null && g.Instances.Contains(instance.Config.Name)).ToList();
                if (instance.Config.Notify is null && groups.Count == 0)
                {
                    continue;
                }

                void Handler(VrrpInstanceRuntime runtime, VrrpAction.StateChanged change) => OnTransition(instance, change, groups, byName);
                instance.Runtime.Transitioned += Handler;
                _attached.Add((instance, Handler));
            }
        }
    }

    private void OnTransition(VrrpInstance instance, VrrpAction.StateChanged change, List<SyncGroupConfig> groups,
        Dictionary<string, VrrpInstance> instances)
    {
        var state = StateName(change.To);
        lock (_gate)
        {
            if (instance.Config.Notify is { } notify)
            {
                // The driver's options are the machine's: read on its thread, the effective priority advertised.
                var priority = instance.Driver.Options.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Queue(instance.Config.Name, notify, change.To, ["INSTANCE", instance.Config.Name, state, priority]);
            }

            foreach (var group in groups)
            {
                var all = group.Instances.All(m => instances.TryGetValue(m, out var member) && member.Runtime.State == change.To);
                if (all && _groupStates.GetValueOrDefault(group.Name, VrrpState.Initialize) != change.To)
                {
                    _groupStates[group.Name] = change.To;
                    Queue("group " + group.Name, group.Notify!, change.To, ["GROUP", group.Name, state]);
                }
            }
        }
    }

    private void Queue(string name, NotifyConfig notify, VrrpState to, string[] arguments)
    {
        var specific = to switch
        {
            VrrpState.Master => notify.Master,
            VrrpState.Backup => notify.Backup,
            VrrpState.Fault => notify.Fault,
            _ => notify.Stop,
        };
        var tail = _queues.GetValueOrDefault(name, Task.CompletedTask);
        _queues[name] = tail.ContinueWith(
            async _ =>
            {
                if (notify.Command is { } command)
                {
                    await RunAsync(name, command, arguments, notify.Timeout);
                }

                if (specific is not null)
                {
                    await RunAsync(name, specific, [], notify.Timeout);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.RunContinuationsAsynchronously,
            TaskScheduler.Default).Unwrap();
    }

    private async Task RunAsync(string name, string command, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var label = name.StartsWith("group ", StringComparison.Ordinal) ? name[6..] : name;
        metrics?.NotifyRuns.WithLabels(label).Inc();
        CommandResult result;
        try
        {
            result = await runner.RunAsync(command, arguments, timeout, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            result = new CommandResult(null, e.Message);
        }

        if (!result.Succeeded)
        {
            metrics?.NotifyFailures.WithLabels(label).Inc();
            LogFailed(logger, name, command, result.ToString());
        }
    }

    private static string StateName(VrrpState state) => state switch
    {
        VrrpState.Master => "MASTER",
        VrrpState.Backup => "BACKUP",
        VrrpState.Fault => "FAULT",
        _ => "STOP",
    };

    [LoggerMessage(EventId = 1510, Level = LogLevel.Warning, Message = "{Name}: notify hook '{Command}' failed: {Result}")]
    private static partial void LogFailed(ILogger logger, string name, string command, string result);
}
