namespace HaDirector.Director.Configuration;

internal sealed partial class ConfigValidator
{
    private const string Maglev = "mh";

    /// <summary>
    /// <c>schedulerFlags</c> are the mh scheduler's (IPVS reads the same bits differently per scheduler: sh's port and
    /// fallback, nothing for the others), each at most once. And an mh service whose real servers go to weight 0 on
    /// failure (<c>onFailure: inhibit</c>) needs <c>mh-fallback</c>: mh keeps a weight-0 server's slots in its table
    /// and, without the flag, schedules nothing for them, so new connections that hash there are refused.
    /// </summary>
    private void ValidateSchedulerFlags(VirtualServerConfig server, string path)
    {
        var list = FieldPath.Child(path, "schedulerFlags");
        var scheduler = FieldPath.Child(path, "scheduler");
        var seen = new Dictionary<SchedulerFlag, int>();
        for (var j = 0; j < server.SchedulerFlags.Count; j++)
        {
            var item = FieldPath.Item(list, j);
            if (!Usable(item))
            {
                continue;
            }

            var name = ScalarParsers.SchedulerFlags.Name(server.SchedulerFlags[j]);
            if (!seen.TryAdd(server.SchedulerFlags[j], j))
            {
                diagnostics.Report(item, $"{name} is already given at {FieldPath.Item(list, seen[server.SchedulerFlags[j]])}");
            }
            else if (server.Scheduler != Maglev && Usable(scheduler))
            {
                diagnostics.Report(item, $"{name} is a flag of the mh scheduler, and this service's scheduler is '{server.Scheduler}': "
                    + $"set scheduler: mh, or remove {name}");
            }
        }

        if (server.Scheduler != Maglev || server.SchedulerFlags.Contains(SchedulerFlag.MhFallback) || !Usable(scheduler) || !Usable(list))
        {
            return;
        }

        const string Why = "onFailure: inhibit sets a failed real server's weight to 0, and mh keeps its slots in the Maglev table: "
            + "without the mh-fallback flag IPVS schedules nothing for them and new connections that hash to that server are refused. ";
        var fix = $"Add schedulerFlags: [mh-fallback] to {path}, or use onFailure: remove";
        foreach (var at in FailureActionSites.Of(server, path, FailureAction.Inhibit))
        {
            if (Usable(at))
            {
                diagnostics.Report(at, Why + fix);
            }
        }
    }
}
