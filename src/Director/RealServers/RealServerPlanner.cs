using System.Net;

namespace HaDirector.Director.RealServers;

/// <summary>
/// The pure core of <c>realserver up|down</c>: from what the host looks like and what was saved, the exact
/// changes to make. The first <c>up</c>'s values are kept across later <c>up</c>s (which may add VIPs), so one
/// <c>down</c> always returns to the state before HaDirector touched the host.
/// </summary>
public static class RealServerPlanner
{
    public static RealServerPlan PlanUp(IReadOnlyList<IPAddress> vips, RealServerObservation now, RealServerState? saved)
    {
        var previous = new Dictionary<string, string>(saved?.PreviousSysctls ?? [], StringComparer.Ordinal);
        var writes = new List<SysctlSetting>();

        // ARP concerns IPv4 VIPs only (see RealServerSysctls): an IPv6-only real server keeps its ARP settings.
        var anyIpv4 = vips.Any(v => v.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            || (saved?.AllVips.Any(v => !v.Contains(':', StringComparison.Ordinal)) ?? false);
        foreach (var want in anyIpv4 ? RealServerSysctls.Desired : [])
        {
            var current = now.Sysctls[want.Key];
            if (current != want.Value)
            {
                writes.Add(want);
                // Keep the oldest value: one already saved is what the host had before HaDirector.
                previous.TryAdd(want.Key, current);
            }
        }

        var added = new List<string>(saved?.AddedVips ?? []);
        var present = new List<string>(saved?.PresentVips ?? []);
        var toAdd = new List<IPAddress>();
        var notes = new List<string>();
        foreach (var vip in vips.Distinct())
        {
            var text = vip.ToString();
            var known = added.Contains(text) || present.Contains(text);
            if (now.LoopbackAddresses.Contains(vip))
            {
                if (!known)
                {
                    present.Add(text);
                    notes.Add($"{text} is already on lo: kept, and down will leave it there");
                }
            }
            else
            {
                toAdd.Add(vip);
                if (!known)
                {
                    added.Add(text);
                }
            }

            if (now.OtherInterfaces.TryGetValue(vip, out var other))
            {
                var asks = vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "neighbour solicitations" : "ARP";
                notes.Add($"warning: {text} is also on {other}; a real server must hold the VIP on lo only, or it answers {asks} for it on {other} and takes the director's traffic");
            }
        }

        if (!now.LoopbackUp)
        {
            notes.Add("warning: lo is down, so the VIPs on it receive nothing; bring it up (ip link set lo up)");
        }

        var state = new RealServerState { PreviousSysctls = previous, AddedVips = added, PresentVips = present };
        return new RealServerPlan(writes, toAdd, [], state, notes);
    }

    /// <summary>
    /// Undoes <paramref name="saved"/>: for the VIPs in <paramref name="vips"/> only, or for all when it is empty.
    /// The sysctls are restored when no VIP stays up.
    /// </summary>
    public static RealServerPlan PlanDown(IReadOnlyList<IPAddress> vips, RealServerObservation now, RealServerState saved)
    {
        var selected = vips.Count == 0 ? saved.AllVips.ToHashSet() : vips.Select(v => v.ToString()).ToHashSet();
        var notes = new List<string>();
        foreach (var vip in selected.Where(v => !saved.AllVips.Contains(v)))
        {
            notes.Add($"{vip} was not set up by realserver up: left as it is");
        }

        var toRemove = new List<IPAddress>();
        foreach (var text in saved.AddedVips.Where(selected.Contains))
        {
            var vip = IPAddress.Parse(text);
            if (now.LoopbackAddresses.Contains(vip))
            {
                toRemove.Add(vip);
            }
        }

        foreach (var text in saved.PresentVips.Where(selected.Contains))
        {
            notes.Add($"{text} was on lo before realserver up: left there");
        }

        var remainingAdded = saved.AddedVips.Where(v => !selected.Contains(v)).ToList();
        var remainingPresent = saved.PresentVips.Where(v => !selected.Contains(v)).ToList();
        if (remainingAdded.Count + remainingPresent.Count > 0)
        {
            notes.Add($"still up: {string.Join(", ", remainingAdded.Concat(remainingPresent))}; ARP settings kept for them");
            var rest = saved with { AddedVips = remainingAdded, PresentVips = remainingPresent };
            return new RealServerPlan([], [], toRemove, rest, notes);
        }

        var writes = new List<SysctlSetting>();
        foreach (var (key, value) in saved.PreviousSysctls)
        {
            if (!now.Sysctls.TryGetValue(key, out var current) || current != value)
            {
                writes.Add(new SysctlSetting(key, value));
            }
        }

        return new RealServerPlan(writes, [], toRemove, null, notes);
    }
}
