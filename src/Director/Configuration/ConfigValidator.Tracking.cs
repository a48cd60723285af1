namespace HaDirector.Director.Configuration;

internal sealed partial class ConfigValidator
{
    private const string Trackers = "vrrp.trackers";
    private const string SyncGroups = "vrrp.syncGroups";

    /// <summary>The implicit <c>Tracking.TableTracker</c>'s name, which no configured tracker may take.</summary>
    internal const string ReservedTrackerName = "ipvs-table";

    /// <summary>Names between trackers, instances, sync groups and virtual servers.</summary>
    private void ValidateTracking()
    {
        var vrrp = config.Vrrp;
        ReportRepeats(vrrp.Trackers, Trackers, "name", ["name"], x => x.Name, (x, first) => $"name '{x.Name}' is already used by {FieldPath.Parent(first)}");
        ReportRepeats(vrrp.SyncGroups, SyncGroups, "name", ["name"], x => x.Name, (x, first) => $"name '{x.Name}' is already used by {FieldPath.Parent(first)}");

        var trackers = vrrp.Trackers.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < vrrp.Trackers.Count; i++)
        {
            var tracker = vrrp.Trackers[i];
            var name = FieldPath.Child(FieldPath.Item(Trackers, i), "name");
            if (tracker.Name == ReservedTrackerName && Usable(name))
            {
                // Status and metrics show the implicit tracker under this name: a second one would be ambiguous.
                diagnostics.Report(name, $"'{ReservedTrackerName}' is reserved for the implicit tracker of the IPVS table (see tableFailureWeight)");
            }

            var server = FieldPath.Child(FieldPath.Item(Trackers, i), "virtualServer");
            if (tracker is { Type: TrackerType.VirtualServer, VirtualServer: { } serverName } && Usable(server)
                && !config.VirtualServers.Any(v => v.Name == serverName))
            {
                diagnostics.Report(server, $"no virtual server is named '{serverName}'{Known(config.VirtualServers.Select(v => v.Name))}");
            }
        }

        for (var i = 0; i < vrrp.Instances.Count; i++)
        {
            var track = FieldPath.Child(FieldPath.Item(Instances, i), "track");
            var entries = vrrp.Instances[i].Track;
            for (var j = 0; j < entries.Count; j++)
            {
                var path = FieldPath.Child(FieldPath.Item(track, j), "tracker");
                if (Usable(path) && !trackers.Contains(entries[j].Tracker))
                {
                    diagnostics.Report(path, $"no tracker is named '{entries[j].Tracker}' in vrrp.trackers{Known(trackers)}");
                }
            }

            ReportRepeats(entries, track, "tracker", ["tracker"], x => x.Tracker, (x, first) => $"tracker '{x.Tracker}' is already tracked at {FieldPath.Parent(first)}");
        }

        var instances = vrrp.Instances.Select(x => x.Name).ToHashSet(StringComparer.Ordinal);
        var groupOf = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < vrrp.SyncGroups.Count; i++)
        {
            var members = FieldPath.Child(FieldPath.Item(SyncGroups, i), "instances");
            var names = vrrp.SyncGroups[i].Instances;
            for (var j = 0; j < names.Count; j++)
            {
                var path = FieldPath.Item(members, j);
                if (!Usable(path))
                {
                    continue;
                }

                if (!instances.Contains(names[j]))
                {
                    diagnostics.Report(path, $"no instance is named '{names[j]}' in vrrp.instances{Known(instances)}");
                }
                else if (!groupOf.TryAdd(names[j], path))
                {
                    // keepalived allows an instance in one sync group only: two groups would have to move each other.
                    diagnostics.Report(path, $"instance '{names[j]}' is already in a sync group at {groupOf[names[j]]}");
                }
            }
        }
    }

    private static string Known(IEnumerable<string> names)
    {
        var list = names.Where(n => n.Length > 0).ToList();
        return list.Count == 0 ? " (none is defined)" : $" (known: {string.Join(", ", list)})";
    }
}
