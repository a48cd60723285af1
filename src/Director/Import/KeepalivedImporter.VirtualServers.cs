using System.Globalization;
using System.Net.Sockets;
using static HaDirector.Director.Import.YamlOut;

namespace HaDirector.Director.Import;

public sealed partial class KeepalivedImporter
{
    private void VirtualServer(KeepalivedNode node, Seq into)
    {
        foreach (var (name, head, vip) in Targets(node))
        {
            if (!_virtualServerNames.Add(name))
            {
                into.Add(new Map().Note(Warn(node, $"{name} is defined twice: the second is not carried over")), Loc(node));
                continue;
            }
            var map = new Map().Add("name", Scalar.Str(name), Loc(node));
            foreach (var entry in head.Entries)
            {
                map.Entries.Add(entry);
            }
            if (vip is not null && !_vipOwners.ContainsKey(vip))
            {
                map.Note(Warn(node, $"{vip} is no vrrp_instance's virtual_ipaddress: HaDirector serves a virtual server where the instance holding its VIP is master; add {vip} to an instance"));
            }
            VirtualServerBody(node, map, name, vip, head.Entries.FirstOrDefault(e => e.Key == "port")?.Value is Scalar p ? int.Parse(p.Text, CultureInfo.InvariantCulture) : null);
            into.Add(map, Loc(node));
        }
    }

    /// <summary>The services one virtual_server block stands for: itself, or each entry of its virtual_server_group.</summary>
    private List<(string Name, Map Head, string? Vip)> Targets(KeepalivedNode node)
    {
        var targets = new List<(string, Map, string?)>();
        switch (node.Arg(0))
        {
            case "fwmark" when Integer(node, 1) is { } mark:
                targets.Add(($"fwmark-{mark}", new Map().Add("fwmark", Scalar.Number(mark), Loc(node)), null));
                break;
            case "group":
                if (node.Arg(1) is not { } groupName || !_serverGroups.TryGetValue(groupName, out var group))
                {
                    Error(node.Location, node.Keyword, $"names virtual_server_group '{node.Arg(1)}', which is not defined");
                    break;
                }
                foreach (var line in group.Children ?? [])
                {
                    if (line.Keyword == "fwmark" && Integer(line) is { } groupMark)
                    {
                        targets.Add(($"{groupName}-fwmark-{groupMark}", new Map().Add("fwmark", Scalar.Number(groupMark), Loc(line)), null));
                        continue;
                    }
                    foreach (var address in ExpandRange(line.Keyword))
                    {
                        if (Service(line, address, line.Arg(0)) is { } t)
                        {
                            targets.Add(($"{groupName}-{t.Name}", t.Head, t.Vip));
                        }
                    }
                }
                break;
            default:
                if (Service(node, node.Arg(0) ?? "", node.Arg(1)) is { } single)
                {
                    targets.Add(single);
                }
                break;
        }
        return targets;
    }

    private (string Name, Map Head, string? Vip)? Service(KeepalivedNode at, string address, string? portText)
    {
        if (ParseAddress(address) is not { Prefix: null } a)
        {
            Error(at.Location, at.Keyword, $"'{address}' is not an address");
            return null;
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            Error(at.Location, at.Keyword, $"'{portText}' is not a port");
            return null;
        }
        var vip = a.Address.ToString();
        var name = a.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{vip}]:{port}" : $"{vip}:{port}";
        return (name, new Map().Add("vip", Scalar.Str(vip), Loc(at)).Add("port", Scalar.Number(port), Loc(at)), vip);
    }

    private void VirtualServerBody(KeepalivedNode node, Map map, string name, string? vip, int? servicePort)
    {
        var timing = new Timing();
        var forwarding = (Value: "nat", Comment: "keepalived's default (HaDirector's is dr)");
        var protocol = (Value: "tcp", Comment: (string?)null);
        var rest = new Map();
        var servers = new List<KeepalivedNode>();
        var inhibit = false;
        KeepalivedNode? quorum = null;
        KeepalivedNode? ops = null;
        KeepalivedNode? sorryServer = null;
        var flags = new Seq();
        KeepalivedNode? firstFlag = null;
        foreach (var child in node.Children ?? [])
        {
            switch (child.Keyword)
            {
                case "lb_algo" or "lvs_sched":
                    rest.Add("scheduler", Scalar.Str(child.Arg(0) ?? ""), Loc(child));
                    break;
                case "lb_kind" or "lvs_method":
                    forwarding = (Forwarding(child), Loc(child));
                    break;
                case "protocol":
                    protocol = ((child.Arg(0) ?? "TCP").ToLowerInvariant(), Loc(child));
                    break;
                case "persistence_timeout":
                    var persistence = child.Args.Count == 0 ? TimeSpan.FromSeconds(360) : Seconds(child);
                    if (persistence is { } p)
                    {
                        rest.Add("persistence", Scalar.Duration(p), child.Args.Count == 0 ? $"{Loc(child)} (keepalived's default: 360 s)" : Loc(child));
                    }
                    break;
                case "persistence_granularity":
                    rest.Add("persistenceNetmask", Scalar.Str(child.Arg(0) ?? ""), Loc(child));
                    break;
                case "ops":
                    ops = child;
                    break;
                case "mh-port" or "mh-fallback":
                    // The mh scheduler's flags (IP_VS_SVC_F_SCHED_MH_PORT/_FALLBACK): the same in HaDirector.
                    flags.Add(Scalar.Str(child.Keyword));
                    firstFlag ??= child;
                    break;
                case "sorry_server":
                    sorryServer = child; // its port depends on lb_kind, which may come later
                    break;
                case "real_server":
                    servers.Add(child);
                    break;
                case "inhibit_on_failure":
                    inhibit = true;
                    break;
                case "quorum":
                    quorum = child;
                    break;
                case "delay_loop" or "connect_timeout" or "retry" or "nb_get_retry" or "delay_before_retry" or "virtualhost":
                    timing.Set(child, this);
                    break;
                case "alpha":
                    rest.Note(Warn(child, "not carried over: a HaDirector real server starts unknown and keeps its weight until its first check decides, rather than starting down"));
                    break;
                case "omega":
                    rest.Note(Warn(child, "not carried over: HaDirector never flushes on stop, so there is nothing to clear (no notify_down at shutdown)"));
                    break;
                case "quorum_up" or "quorum_down" or "hysteresis":
                    rest.Note(Warn(child, "not carried over: HaDirector has no quorum hooks; the quorum tracker (if any) takes the instance down instead"));
                    break;
                case "ha_suspend":
                    rest.Note(Warn(child, "not carried over: HaDirector checks the real servers on the backup too, so a takeover starts with their state known"));
                    break;
                default:
                    rest.Note(Warn(child, "not carried over: no HaDirector equivalent"));
                    break;
            }
        }

        if (sorryServer is not null)
        {
            SorryServer(sorryServer, forwarding.Value, servicePort, rest);
        }
        if (protocol.Comment is null && servicePort is not null)
        {
            // check_data.c: "no protocol set - defaulting to UDP" (the kernel's protocol 0).
            map.Note(Warn(node, "no 'protocol': keepalived reports it and runs the service as UDP, and so does the translation; add 'protocol TCP' to keepalived.conf and import again if TCP is meant"));
            protocol = ("udp", "keepalived's default without 'protocol' (see the warning above)");
        }
        if (ops is not null && protocol.Value == "udp")
        {
            rest.Add("onePacket", Scalar.Bool(true), Loc(ops));
        }
        else if (ops is not null)
        {
            rest.Note(Warn(ops, $"not carried over: one-packet scheduling is for UDP, and keepalived resets it for a {protocol.Value} service (saying so at start)"));
        }
        if (protocol.Comment is not null || protocol.Value != "tcp")
        {
            map.Add("protocol", Scalar.Str(protocol.Value), protocol.Comment);
        }
        var scheduler = rest.Entries.FirstOrDefault(e => e.Key == "scheduler");
        if (scheduler is not null)
        {
            map.Entries.Add(scheduler);
        }
        else
        {
            map.Add("scheduler", Scalar.Str("wlc"), "keepalived's default");
        }
        map.Add("forwarding", Scalar.Str(forwarding.Value), forwarding.Comment);
        if (firstFlag is not null)
        {
            map.Add("schedulerFlags", flags, Loc(firstFlag));
        }
        foreach (var entry in rest.Entries.Where(e => e.Key is "persistence" or "persistenceNetmask" or "onePacket"))
        {
            map.Entries.Add(entry);
        }

        var realServers = new List<(Map Map, List<Map> Checks, bool Inhibit, KeepalivedNode Node)>();
        foreach (var server in servers)
        {
            if (RealServer(server, timing, forwarding.Value, servicePort, inhibit) is { } rs)
            {
                realServers.Add((rs.Map, rs.Checks, rs.Inhibit, server));
            }
        }

        // One check list shared by all: the service-level healthCheck of today's model; otherwise per real server.
        var shared = realServers.Count > 0 && realServers.All(r => r.Checks.Count == 1) &&
            realServers.Select(r => Canonical(r.Checks[0])).Distinct().Count() == 1;
        var noChecks = realServers.Count > 0 && realServers.All(r => r.Checks.Count == 0);
        var sameInhibit = realServers.Select(r => r.Inhibit).Distinct().Count() <= 1;
        if (shared || noChecks)
        {
            var check = noChecks ? new Map().Add("type", Scalar.Str("none"), "no checker in any real_server: keepalived keeps them up") : realServers[0].Checks[0];
            if (sameInhibit && realServers[0].Inhibit)
            {
                check.Add("onFailure", Scalar.Str("inhibit"), "inhibit_on_failure");
            }
            map.Add("healthCheck", check);
        }
        if (rest.Entries.FirstOrDefault(e => e.Key == "sorryServer") is { } sorryEntry)
        {
            map.Entries.Add(sorryEntry);
        }
        var list = new Seq();
        foreach (var (rsMap, checks, rsInhibit, rsNode) in realServers)
        {
            if (!(shared || noChecks) || !sameInhibit)
            {
                if (rsInhibit)
                {
                    rsMap.Add("onFailure", Scalar.Str("inhibit"), "inhibit_on_failure");
                }
            }
            if (!(shared || noChecks))
            {
                var seq = new Seq();
                foreach (var check in checks)
                {
                    seq.Add(check);
                }
                rsMap.Add("healthChecks", seq, checks.Count == 0 ? "no checker: always up, as keepalived" : null);
            }
            list.Add(rsMap, Loc(rsNode));
        }
        map.Add("realServers", list);
        foreach (var note in rest.Entries.Where(e => e.Key is null))
        {
            map.Entries.Add(note);
        }

        if (quorum is not null)
        {
            Quorum(quorum, name, vip, realServers.Select(r => r.Node).ToList(), map);
        }
    }

    /// <summary>
    /// <c>sorry_server ADDRESS [PORT]</c>. keepalived (check_data.c) gives a DR or TUN sorry server the service's port,
    /// port 0 for a firewall-mark service, whatever the line says ("ports don't match - resetting", "- clearing"); NAT
    /// keeps it.
    /// </summary>
    private static void SorryServer(KeepalivedNode node, string forwarding, int? servicePort, Map rest)
    {
        if (node.Arg(0) is not { } text || ParseAddress(text) is not { Prefix: null } sorry)
        {
            return;
        }
        var map = new Map().Add("address", Scalar.Str(sorry.Address.ToString()));
        if (int.TryParse(node.Arg(1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port != servicePort && port != 0)
        {
            if (forwarding == "nat")
            {
                map.Add("port", Scalar.Number(port));
            }
            else
            {
                map.Note(Explain(node, $"port {port} not carried over, as keepalived: {forwarding} forwarding cannot change the port (IPVS gets {servicePort ?? 0})"));
            }
        }
        rest.Add("sorryServer", map, Loc(node));
    }

    private string Forwarding(KeepalivedNode node)
    {
        switch (node.Arg(0))
        {
            case "DR":
                return "dr";
            case "TUN":
                return "tun";
            case "NAT":
                return "nat";
            default:
                Error(node.Location, node.Keyword, $"'{node.Arg(0)}' is not a forwarding method HaDirector offers (NAT, DR, TUN)");
                return "nat";
        }
    }

    /// <summary>keepalived's quorum (a sum of weights) as a virtualServer tracker (a count) where all weights are equal.</summary>
    private void Quorum(KeepalivedNode quorum, string name, string? vip, List<KeepalivedNode> servers, Map map)
    {
        var weights = servers.Select(s => s.Children?.FirstOrDefault(c => c.Keyword == "weight")?.Arg(0) ?? "1").Distinct().ToList();
        if (Integer(quorum) is not { } sum || weights.Count != 1 || !int.TryParse(weights[0], CultureInfo.InvariantCulture, out var weight) || weight <= 0)
        {
            map.Note(Warn(quorum, "not carried over: HaDirector counts real servers up (minUp), and these real servers have different weights"));
            return;
        }
        if (vip is null || !_vipOwners.TryGetValue(vip, out var instance))
        {
            map.Note(Warn(quorum, "not carried over: no vrrp_instance holds this service's address to step down"));
            return;
        }
        var minUp = (sum + weight - 1) / weight;
        var trackerName = "quorum-" + name;
        AddTracker(trackerName, new Map().Add("name", Scalar.Str(trackerName), Loc(quorum)).Add("type", Scalar.Str("virtualServer"))
            .Add("virtualServer", Scalar.Str(name)).Add("minUp", Scalar.Number(minUp), $"{Loc(quorum)}: quorum {sum} / weight {weight}"));
        var warning = Warn(quorum, $"tracked by {instance} as tracker {trackerName} (minUp {minUp}): where keepalived only switched to the sorry server and ran quorum_down, the HaDirector instance goes to Fault and its peer takes over");
        _extraTracks.TryAdd(instance, []);
        _extraTracks[instance].Add((trackerName, warning));
    }
}
