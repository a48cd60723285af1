namespace HaDirector.Director.Configuration;

/// <summary>
/// What a reload changes, by name, so the daemon touches only what changed: an untouched VRRP instance keeps
/// its state (no flap), an untouched virtual server keeps its kernel entries (no churn in IPVS's trash).
/// </summary>
public sealed record ConfigDiff(
    ValueList<string> AddedInstances,
    ValueList<string> RemovedInstances,
    ValueList<string> ChangedInstances,
    ValueList<string> AddedVirtualServers,
    ValueList<string> RemovedVirtualServers,
    ValueList<string> ChangedVirtualServers,
    ValueList<string> ChangedSections)
{
    public bool IsEmpty =>
        AddedInstances.Count + RemovedInstances.Count + ChangedInstances.Count
        + AddedVirtualServers.Count + RemovedVirtualServers.Count + ChangedVirtualServers.Count
        + ChangedSections.Count == 0;

    /// <summary>Names are the identity: a renamed instance is one removed and one added.</summary>
    public static ConfigDiff Compute(DirectorConfig before, DirectorConfig after)
    {
        var (addedInstances, removedInstances, changedInstances) = Compare(before.Vrrp.Instances, after.Vrrp.Instances, x => x.Name);
        var (addedServers, removedServers, changedServers) = Compare(before.VirtualServers, after.VirtualServers, x => x.Name);
        var sections = new List<string>();
        AddIfChanged(sections, "metrics", before.Metrics, after.Metrics);
        AddIfChanged(sections, "control", before.Control, after.Control);
        AddIfChanged(sections, "ipvs", before.Ipvs, after.Ipvs);
        AddIfChanged(sections, "logging", before.Logging, after.Logging);
        // A reload that changes only announce: (holdDown, a VIP, the routing daemon) is a change to apply, not "no changes".
        AddIfChanged(sections, "announce", before.Announce, after.Announce);
        // vrrp's own settings beside its instances: a reload that changes only a tracker's command or a sync group is
        // applied (trackers and groups are re-attached), not answered "no changes" and left as it ran.
        AddIfChanged(sections, "vrrp.trackers", before.Vrrp.Trackers, after.Vrrp.Trackers);
        AddIfChanged(sections, "vrrp.syncGroups", before.Vrrp.SyncGroups, after.Vrrp.SyncGroups);
        AddIfChanged(sections, "vrrp.realtimePriority", before.Vrrp.RealtimePriority, after.Vrrp.RealtimePriority);
        return new ConfigDiff(addedInstances, removedInstances, changedInstances, addedServers, removedServers, changedServers, new(sections));
    }

    private static (ValueList<string> Added, ValueList<string> Removed, ValueList<string> Changed) Compare<T>(
        IReadOnlyList<T> before, IReadOnlyList<T> after, Func<T, string> name)
    {
        var old = before.ToDictionary(name, StringComparer.Ordinal);
        var current = after.ToDictionary(name, StringComparer.Ordinal);
        return (
            new(after.Select(name).Where(n => !old.ContainsKey(n))),
            new(before.Select(name).Where(n => !current.ContainsKey(n))),
            new(after.Where(x => old.TryGetValue(name(x), out var was) && !Equals(was, x)).Select(name)));
    }

    private static void AddIfChanged<T>(List<string> sections, string name, T before, T after)
    {
        if (!Equals(before, after))
        {
            sections.Add(name);
        }
    }
}
