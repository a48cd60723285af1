using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Kernel;
using HaDirector.Director.Vrrp;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Control;

/// <summary>
/// SIGHUP and <c>hadirector reload</c>: the file is validated first and a bad one changes nothing; a good
/// one is applied as a diff (the reconciler edits only what differs; untouched VRRP instances never notice).
/// Order: instances going away resign and release their VIPs first, then IPVS takes the new table (services of a
/// master's new VIPs are programmed), then changed instances take their settings in place and new ones start.
/// </summary>
/// <param name="kernel">For the host checks (interfaces, their addresses); null: none (tests without a host).</param>
/// <param name="claims">The daemon's claims on its VRIDs and VIPs, extended to what the new file adds; null: none.</param>
public sealed partial class ConfigReloader(RunningConfig running, IpvsTableService ipvs, VrrpService vrrp, ILogger<ConfigReloader> logger,
    IHostKernel? kernel = null, DaemonClaims? claims = null)
    : IDisposable
{
    // The VRRP threads take their real-time priority when they start.
    private static readonly string[] AtRestart = ["metrics", "control", "logging", "vrrp.realtimePriority"];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<Func<DirectorConfig, Task>> _listeners = [];

    /// <summary>Parts beyond IPVS that take a new configuration (health checks).</summary>
    public void OnApplied(Func<DirectorConfig, Task> listener) => _listeners.Add(listener);

    public async Task<ControlResponse> ReloadAsync(string origin)
    {
        await _gate.WaitAsync();
        try
        {
            LogReloading(logger, running.Path, origin);
            var result = ConfigLoader.Load(running.Path);
            if (result.Config is null || result.Errors.Count > 0)
            {
                foreach (var error in result.Errors)
                {
                    LogConfigError(logger, error.ToString());
                }

                LogRejected(logger, running.Path, result.Errors.Count);
                return new ControlResponse(ExitCodes.ConfigInvalid,
                    string.Join('\n', result.Errors.Select(e => e.ToString()))
                    + $"\n{result.Errors.Count} error(s): the running configuration is unchanged");
            }

            var config = result.Config;
            var diff = ConfigDiff.Compute(running.Current, config);
            // metrics, control and logging run as started until a restart: compared with that, not with the last reload.
            var pending = ConfigDiff.Compute(running.Started, config).ChangedSections.Where(AtRestart.Contains).ToList();
            var live = diff.ChangedSections.Where(s => !AtRestart.Contains(s)).ToList();
            if ((diff with { ChangedSections = new(live) }).IsEmpty)
            {
                running.Replace(config);
                LogUnchanged(logger, running.Path);
                return new ControlResponse(ExitCodes.Ok, $"{running.Path}: no changes" + PendingNote(pending));
            }

            var check = kernel is null ? null : HostCheck.Run(config, result.Sources, kernel.Links, running.Current, bindMetrics: false);
            var refusal = check is { Errors.Count: > 0 }
                ? string.Join('\n', check.Errors.Select(e => e.ToString()))
                : vrrp.Check(config) ?? claims?.Update(config);
            if (refusal is not null)
            {
                var count = check?.Errors.Count is > 0 and var n ? n : 1;
                foreach (var line in refusal.Split('\n'))
                {
                    LogConfigError(logger, line);
                }

                LogRejected(logger, running.Path, count);
                return new ControlResponse(ExitCodes.ConfigInvalid, $"{(check is { Errors.Count: > 0 } ? "" : running.Path + ": ")}{refusal}\nthe running configuration is unchanged");
            }

            running.Replace(config);
            var retired = await vrrp.RetireAsync(config);
            await ipvs.ReconfigureAsync(config);
            var (reconfigured, started) = await vrrp.ApplyAsync(config);
            foreach (var listener in _listeners)
            {
                await listener(config);
            }

            var lines = new List<string>();
            // Re-created (another interface, VRID or version) shows as removed and added.
            Describe(lines, "VRRP instances added", new(started));
            Describe(lines, "VRRP instances removed", new(retired));
            Describe(lines, "VRRP instances changed in place", new(reconfigured));
            Describe(lines, "virtual servers added", diff.AddedVirtualServers);
            Describe(lines, "virtual servers removed", diff.RemovedVirtualServers);
            Describe(lines, "virtual servers changed", diff.ChangedVirtualServers);
            Describe(lines, "sections changed", new(live));
            if (pending.Count > 0)
            {
                lines.Add($"{string.Join(", ", pending)}: differ from what runs; take effect at the next restart");
            }

            foreach (var warning in check?.Warnings ?? [])
            {
                lines.Add($"warning: {warning}");
            }

            var summary = string.Join("; ", lines);
            LogApplied(logger, running.Path, summary);
            return new ControlResponse(ExitCodes.Ok, $"{running.Path}: applied: {summary}");
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static string PendingNote(List<string> pending) =>
        pending.Count == 0 ? "" : $" ({string.Join(", ", pending)}: differ from what runs; take effect at the next restart)";

    private static void Describe(List<string> lines, string what, ValueList<string> names)
    {
        if (names.Count > 0)
        {
            lines.Add($"{what}: {string.Join(", ", names)}");
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "reloading {Path} ({Origin})")]
    private static partial void LogReloading(ILogger logger, string path, string origin);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "{Error}")]
    private static partial void LogConfigError(ILogger logger, string error);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "reload of {Path} rejected ({Count} error(s)): the running configuration is unchanged")]
    private static partial void LogRejected(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "reload of {Path}: no changes")]
    private static partial void LogUnchanged(ILogger logger, string path);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "reload of {Path} applied: {Summary}")]
    private static partial void LogApplied(ILogger logger, string path, string summary);
}
