namespace HaDirector.Director.Configuration;

internal sealed partial class ConfigValidator
{
    private const string AnnouncedVips = "announce.vips";

    /// <summary>
    /// The only scheduler that every director computes alike: IPVS's Maglev (<c>mh</c>) places each real server by a
    /// hash of its address and port, so N directors with the same real servers send a flow to the same one, whatever
    /// order each added them in. <c>sh</c> and <c>dh</c> also hash, but fill their buckets in the order of the
    /// service's destination list, which differs between directors as soon as one saw a real server go and come
    /// back (it is appended at the end), and they move most flows when one changes.
    /// </summary>
    private static readonly string[] ConsistentSchedulers = ["mh"];

    private void ValidateAnnounce()
    {
        if (config.Announce is not { } announce)
        {
            return;
        }

        var vips = announce.Vips;
        ReportRepeats(vips, AnnouncedVips, "address", ["address"], x => x.Address, (x, first) => $"{x.Address} is already announced at {FieldPath.Parent(first)}");
        var trackers = config.Vrrp.Trackers.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var vrrpVips = new Dictionary<System.Net.IPAddress, string>();
        foreach (var instance in config.Vrrp.Instances)
        {
            foreach (var address in instance.VirtualAddresses)
            {
                vrrpVips.TryAdd(address.Address, instance.Name);
            }
        }

        for (var i = 0; i < vips.Count; i++)
        {
            var item = FieldPath.Item(AnnouncedVips, i);
            var address = FieldPath.Child(item, "address");
            if (Usable(address))
            {
                if (VirtualAddressRules.Problem(vips[i].Address) is { } problem)
                {
                    diagnostics.Report(address, $"{vips[i].Address} cannot be announced: it is {problem}");
                }
                else if (vrrpVips.TryGetValue(vips[i].Address, out var owner))
                {
                    // Two owners would fight: VRRP takes it off this director on backup while the route still attracts traffic.
                    diagnostics.Report(address, $"{vips[i].Address} is also a virtual address of VRRP instance '{owner}': a VIP is held either by VRRP or by announcing it, not both");
                }
            }

            var track = FieldPath.Child(item, "track");
            for (var j = 0; j < vips[i].Track.Count; j++)
            {
                var path = FieldPath.Item(track, j);
                if (Usable(path) && !trackers.Contains(vips[i].Track[j]))
                {
                    diagnostics.Report(path, $"no tracker is named '{vips[i].Track[j]}' in vrrp.trackers{Known(trackers)}");
                }
            }
        }

        var announced = vips.Select(v => v.Address).ToHashSet();
        for (var i = 0; i < config.VirtualServers.Count; i++)
        {
            var server = config.VirtualServers[i];
            var scheduler = FieldPath.Child(FieldPath.Item(Servers, i), "scheduler");
            if (server.Vip is { } vip && announced.Contains(vip) && !ConsistentSchedulers.Contains(server.Scheduler) && Usable(scheduler))
            {
                diagnostics.Report(scheduler, $"{vip} is announced (announce.vips), so every director serves it and the router spreads flows over them: "
                    + $"the scheduler must map a flow to the same real server on every director; '{server.Scheduler}' does not. Use 'mh' (Maglev), "
                    + "which hashes each real server's address and port; 'sh' and 'dh' depend on the order each director added its real servers in");
            }
        }
    }
}
