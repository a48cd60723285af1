namespace HaDirector.Director.Configuration;

internal sealed partial class ConfigValidator
{
    private const string AnnouncedVips = "announce.vips";

    /// <summary>
    /// The only scheduler that directors compute alike and that moves few flows when the real servers change: IPVS's
    /// Maglev (<c>mh</c>) gives each real server a preference list from a hash of its address and port, the same on
    /// every director. Where two real servers prefer the same slot, the one earlier in the service's destination list
    /// wins, so directors agree when their lists are in the same order: hadirector adds destinations sorted by address
    /// and port (the file's order does not count), and IPVS puts one added again at the head, so a real server that
    /// one director alone saw fail and return (<c>onFailure: remove</c>) makes that director differ on a few flows
    /// until the others see it flap too. <c>sh</c> and <c>dh</c> fill their buckets round-robin in list order, so
    /// any difference moves most flows, and they move most flows when a real server changes.
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
                    + $"the scheduler must map a flow to the same real server on every director; '{server.Scheduler}' does not. Use 'mh' (Maglev): "
                    + "its table depends only on the real servers and the order they were added in, which hadirector keeps the same on every "
                    + "director (sorted by address and port); 'sh' and 'dh' move most flows on any change of that order or of a real server");
            }
        }
    }
}
