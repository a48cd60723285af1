using System.Net.Sockets;
using static HaDirector.Director.Import.YamlOut;

namespace HaDirector.Director.Import;

public sealed partial class KeepalivedImporter
{
    private void GlobalDefs(KeepalivedNode node)
    {
        foreach (var child in node.Children ?? [])
        {
            switch (child.Keyword)
            {
                case "vrrp_version":
                    if (Integer(child) is { } version and (2 or 3))
                    {
                        _defaultVersion = (int)version;
                    }
                    break;
                case "vrrp_garp_master_repeat":
                    _garpRepeat = child;
                    break;
                case "vrrp_garp_interval" or "vrrp_gna_interval":
                    _garpInterval = child;
                    break;
                case "vrrp_garp_master_refresh":
                    _garpRefresh = child;
                    break;
                case "vrrp_garp_master_delay":
                    _topNotes.Note(Warn(child, "not carried over: HaDirector sends no second burst after a delay; use garp.refresh for periodic announcements"));
                    break;
                case "vrrp_strict":
                    _strict = child;
                    _topNotes.Note(Warn(child, "not carried over as such: HaDirector validates adverts strictly always, but adds no firewall rule dropping traffic to the VIPs (keepalived's no_accept) and allows what vrrp_strict forbids (authentication, unicast, preempt_delay)"));
                    break;
                case "lvs_sync_daemon":
                    SyncDaemon(child);
                    break;
                case "notification_email" or "notification_email_from" or "smtp_server" or "smtp_connect_timeout" or "smtp_helo_name"
                    or "smtp_alert" or "smtp_alert_vrrp" or "smtp_alert_checker":
                    _topNotes.Note(Warn(child, "not carried over: HaDirector sends no e-mail; let a notify hook (notify.master, notify.fault, a real server's notifyDown) send it, or alert on the metrics (docs/metrics.md)"));
                    break;
                case "enable_script_security":
                    _topNotes.Note(Warn(child, "not carried over: HaDirector does not check who may write the scripts it runs (as root); make sure only root can write them and their directories"));
                    break;
                case "script_user":
                    _topNotes.Note(child.Arg(0) == "root"
                        ? Explain(child, "scripts and checks run as root, as HaDirector runs them")
                        : Warn(child, $"not carried over: HaDirector runs scripts and checks as its own user (root), not as {child.Arg(0)}; let the script drop privileges itself (runuser -u {child.Arg(0)} -- ...)"));
                    break;
                case "vrrp_garp_master_refresh_repeat" or "vrrp_garp_lower_prio_delay" or "vrrp_garp_lower_prio_repeat":
                    _topNotes.Note(Warn(child, "not carried over: HaDirector sends one burst on becoming master (garp.repeat, garp.interval) and then one every garp.refresh"));
                    break;
                case "router_id":
                    _topNotes.Note(Explain(child, "not carried over: HaDirector has no router id (status, logs and metrics name the instances)"));
                    break;
                default:
                    _topNotes.Note(Warn(child, "not carried over: no HaDirector equivalent"));
                    break;
            }
        }
    }

    /// <summary><c>lvs_sync_daemon IFACE INSTANCE [id N] [maxlen N] [port N] [ttl N] [group ADDR]</c>.</summary>
    private void SyncDaemon(KeepalivedNode node)
    {
        if (node.Arg(0) is not { } iface)
        {
            _topNotes.Note(Warn(node, "names no interface: not carried over"));
            return;
        }
        var map = new Map().Add("interface", Scalar.Str(iface), Loc(node));
        var notes = new List<string>();
        for (var i = 2; i < node.Args.Count; i++)
        {
            if (node.Args[i] == "id" && Integer(node, i + 1) is { } id)
            {
                map.Add("syncId", Scalar.Number(id), Loc(node));
                i++;
            }
            else if (node.Args[i] is "maxlen" or "port" or "ttl" or "group")
            {
                notes.Add(Warn(node, $"'{node.Args[i]}' not carried over: HaDirector uses the kernel's defaults"));
                i++;
            }
        }
        if (node.Arg(1) is { } instance)
        {
            notes.Add(Explain(node, $"runs on both nodes in both roles, not only while {instance} is master (docs/configuration.md, ipvs.syncDaemon)"));
        }
        foreach (var note in notes)
        {
            map.Note(note);
        }
        _syncDaemon = map;
    }

    private void RecordVipOwners(KeepalivedNode instance)
    {
        var name = instance.Arg(0) ?? "";
        foreach (var vip in (instance.Children ?? []).Where(c => c.Keyword is "virtual_ipaddress" or "virtual_ipaddress_excluded"))
        {
            foreach (var line in vip.Children ?? [])
            {
                if (ParseAddress(line.Keyword) is { } a)
                {
                    _vipOwners.TryAdd(a.Address.ToString(), name);
                }
            }
        }
    }

    private Map? Instance(KeepalivedNode node)
    {
        if (node.Arg(0) is not { } name)
        {
            Error(node.Location, node.Keyword, "has no name");
            return null;
        }

        var c = new InstanceParts();
        var notes = new Notes();
        _instance = name;
        foreach (var child in node.Children ?? [])
        {
            InstanceKeyword(child, c, notes);
        }
        if (_groupTracks.GetValueOrDefault(name) is { } group)
        {
            foreach (var block in group.Blocks)
            {
                TrackBlock(block, c, notes, group);
            }
        }

        if (c.Interface is null)
        {
            Error(node.Location, node.Keyword, $"{name} has no 'interface'");
        }
        if (c.Vrid is null)
        {
            Error(node.Location, node.Keyword, $"{name} has no 'virtual_router_id'");
        }
        if (c.Vips.Items.Count == 0)
        {
            Error(node.Location, node.Keyword, $"{name} has no virtual_ipaddress: HaDirector needs at least one");
        }

        var version = c.Version ?? _defaultVersion;
        if (c.Family == AddressFamily.InterNetworkV6 && version == 2)
        {
            notes.Add("version", Explain(node, "an IPv6 instance is VRRPv3: version 3 instead of 2, as keepalived does"));
            version = 3;
        }

        var map = new Map().Add("name", Scalar.Str(name), Loc(node));
        Put(map, "interface", c.Interface, notes);
        Put(map, "vrid", c.Vrid, notes);
        Put(map, "priority", c.Priority ?? (Scalar.Number(100), "keepalived's default"), notes);
        Put(map, "version", (Scalar.Number(version), c.VersionSource ?? (_defaultVersion == 2 ? "keepalived's default (HaDirector's is 3)" : "global_defs vrrp_version")), notes);
        if (c.AdvertInterval is { } interval)
        {
            var value = interval.Value;
            if (version == 2 && value.TotalSeconds != Math.Floor(value.TotalSeconds))
            {
                notes.Add("advertInterval", Warn(interval.Node, $"VRRPv2 advertises whole seconds: {DurationText(value)} rounded up"));
                value = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(value.TotalSeconds)));
            }
            Put(map, "advertInterval", (Scalar.Duration(value), Loc(interval.Node)), notes);
        }
        Put(map, "preempt", c.Preempt, notes);
        Put(map, "preemptDelay", c.PreemptDelay, notes);
        if (c.Peers.Items.Count > 0)
        {
            Put(map, "unicastPeers", (c.Peers, c.PeersSource), notes);
        }
        Put(map, "unicastSource", c.Source, notes);
        Put(map, "virtualAddresses", (c.Vips, c.VipsSource), notes);
        if (c.Excluded.Items.Count > 0)
        {
            Put(map, "excludedAddresses", (c.Excluded, c.ExcludedSource), notes);
        }
        var garp = Garp(c, notes);
        if (garp.Entries.Count > 0)
        {
            Put(map, "garp", (garp, null), notes);
        }
        if (c.Authentication is { } auth)
        {
            if (auth.Map.Has("password") && version == 3)
            {
                notes.Add("authentication", Explain(auth.Node, "not carried over: keepalived ignores a password with VRRPv3, and HaDirector does not allow one"));
            }
            else
            {
                Put(map, "authentication", (auth.Map, Loc(auth.Node)), notes);
            }
        }
        var track = new Seq();
        foreach (var entry in c.Track)
        {
            track.Add(entry.Map, entry.Comment);
        }
        foreach (var (tracker, comment) in _extraTracks.GetValueOrDefault(name) ?? [])
        {
            track.Add(new Map().Add("tracker", Scalar.Str(tracker)), comment);
        }
        if (track.Items.Count > 0)
        {
            Put(map, "track", (track, null), notes);
        }
        if (c.Notify.Entries.Count > 0)
        {
            Put(map, "notify", (c.Notify, null), notes);
        }
        notes.Rest(map);
        return map;
    }

    private void InstanceKeyword(KeepalivedNode child, InstanceParts c, Notes notes)
    {
        switch (child.Keyword)
        {
            case "interface":
                c.Interface = Value(child, Scalar.Str);
                break;
            case "virtual_router_id":
                c.Vrid = Number(child);
                break;
            case "priority":
                c.Priority = Number(child);
                break;
            case "version":
                if (Integer(child) is { } v)
                {
                    c.Version = (int)v;
                    c.VersionSource = Loc(child);
                }
                break;
            case "advert_int":
                if (Seconds(child) is { } interval)
                {
                    c.AdvertInterval = (interval, child);
                }
                break;
            case "state":
                notes.Add("priority", child.Arg(0) == "MASTER"
                    ? Explain(child, "not carried over: every instance starts as backup and the election picks the master by priority (keepalived's MASTER only skips the first wait)")
                    : $"state ({child.Location}): {child.Arg(0)}: every HaDirector instance starts as backup");
                break;
            case "nopreempt" or "no_preempt":
                c.Preempt = (Scalar.Bool(false), Loc(child));
                break;
            case "preempt":
                c.Preempt = (Scalar.Bool(true), Loc(child));
                break;
            case "preempt_delay":
                if (Seconds(child) is { } delay)
                {
                    c.PreemptDelay = (Scalar.Duration(delay), Loc(child));
                }
                break;
            case "unicast_src_ip" or "mcast_src_ip":
                if (child.Arg(0) is { } src && ParseAddress(src) is { Prefix: null } a)
                {
                    c.Source = (Scalar.Str(AddressText(a)), Loc(child));
                }
                else
                {
                    notes.Add("unicastSource", Warn(child, $"'{child.Arg(0)}' is not an address: not carried over"));
                }
                break;
            case "unicast_peer":
                c.PeersSource = Loc(child);
                foreach (var peer in child.Children ?? [])
                {
                    if (ParseAddress(peer.Keyword) is { Prefix: null } p)
                    {
                        c.Peers.Add(Scalar.Str(AddressText(p)), Loc(peer));
                    }
                    else
                    {
                        notes.Add("unicastPeers", Warn(peer, "is not an address: not carried over"));
                    }
                    if (peer.Args.Count > 0)
                    {
                        notes.Add("unicastPeers", Warn(peer, $"'{string.Join(' ', peer.Args)}' not carried over: HaDirector checks the TTL as RFC 5798 says (255)"));
                    }
                }
                break;
            case "virtual_ipaddress":
                c.VipsSource = Loc(child);
                Addresses(child, c, excluded: false, notes);
                break;
            case "virtual_ipaddress_excluded":
                c.ExcludedSource = Loc(child);
                Addresses(child, c, excluded: true, notes);
                break;
            case "garp_master_repeat":
                c.GarpRepeat = child;
                break;
            case "garp_master_refresh":
                c.GarpRefresh = child;
                break;
            case "garp_master_delay" or "garp_master_refresh_repeat" or "garp_lower_prio_delay" or "garp_lower_prio_repeat":
                notes.Add("garp", Warn(child, "not carried over: HaDirector sends one burst on becoming master (garp.repeat, garp.interval) and then every garp.refresh"));
                break;
            case "authentication":
                Authentication(child, c, notes);
                break;
            case "auth_hmac":
                c.Authentication = (Hmac(child), child);
                break;
            case "track_script" or "track_interface" or "track_file" or "track_process":
                TrackBlock(child, c, notes);
                break;
            case "notify" or "notify_master" or "notify_backup" or "notify_fault" or "notify_stop":
                NotifyHook(child, c.Notify);
                break;
            case "strict_mode":
                notes.Add("version", Warn(child, "not carried over as such: see vrrp_strict (HaDirector validates strictly always, adds no firewall rules)"));
                break;
            case "accept":
                break; // HaDirector's master always accepts traffic to its VIPs (they are local addresses), as keepalived's accept
            case "no_accept":
                notes.Add("virtualAddresses", Warn(child, "not carried over: the master accepts traffic to its VIPs (HaDirector adds no firewall rule)"));
                break;
            case "native_ipv6":
                break; // the family follows the addresses
            case "lvs_sync_daemon_interface":
                _syncDaemon ??= new Map().Add("interface", Scalar.Str(child.Arg(0) ?? ""), Loc(child));
                break;
            case "use_vmac" or "vmac_xmit_base":
                notes.Add("interface", Warn(child, "not carried over: HaDirector sends adverts and gratuitous ARPs from the interface's own MAC address and makes no virtual-MAC (macvlan) interface"));
                break;
            case "virtual_routes" or "virtual_rules":
                notes.Add("virtualAddresses", Warn(child, "not carried over: only addresses follow the master; routes that do not depend on the VIP belong in the host's network configuration"));
                break;
            case "track_bfd":
                notes.Add("track", Warn(child, "not carried over: HaDirector has no BFD; track a script that tests the neighbour instead"));
                break;
            case "old_unicast_checksum":
                notes.Add("version", Warn(child, "not carried over: HaDirector computes the VRRPv3 checksum of unicast adverts with the pseudo-header of the real destination"));
                break;
            default:
                notes.Add(null, Warn(child, "not carried over: no HaDirector equivalent"));
                break;
        }
    }

    private void Addresses(KeepalivedNode block, InstanceParts c, bool excluded, Notes notes)
    {
        var key = excluded ? "excludedAddresses" : "virtualAddresses";
        foreach (var line in block.Children ?? [])
        {
            string? dev = null;
            string? label = null;
            for (var i = 0; i < line.Args.Count; i++)
            {
                switch (line.Args[i])
                {
                    case "dev" when i + 1 < line.Args.Count:
                        dev = line.Args[++i];
                        break;
                    case "label" when i + 1 < line.Args.Count:
                        label = line.Args[++i];
                        break;
                    case "brd" or "broadcast" or "scope" or "preferred_lft" or "metric" or "track_group" or "peer" when i + 1 < line.Args.Count:
                        notes.Add(key, Warn(line, $"'{line.Args[i]} {line.Args[i + 1]}' not carried over: HaDirector adds the address with the kernel's defaults"));
                        i++;
                        break;
                    default:
                        notes.Add(key, Warn(line, $"'{line.Args[i]}' not carried over: no HaDirector equivalent"));
                        break;
                }
            }

            // No range here: keepalived takes 10.0.0.1-5 only in a virtual_server_group (and skips it in a VIP list).
            if (ParseAddress(line.Keyword) is not { } a)
            {
                var range = line.Keyword.Contains('-', StringComparison.Ordinal) ? " (keepalived takes an address range only in a virtual_server_group, and skips this line)" : "";
                Error(line.Location, block.Keyword, $"'{line.Keyword}' is not an address{range}");
                continue;
            }
            if (!c.Seen.Add(a.Address.ToString()))
            {
                notes.Add(key, Warn(line, $"{a.Address} is listed again in this instance: taken once (check-config refuses a repeated address)"));
                continue;
            }
            c.Family ??= excluded ? null : a.Address.AddressFamily;
            var toExcluded = excluded || a.Address.AddressFamily != c.Family;
            if (!excluded && toExcluded)
            {
                notes.Add("excludedAddresses", Warn(line, $"{a.Address} is of the other address family than the instance's first VIP: listed in excludedAddresses (held by the master, not in the adverts), as keepalived does with a VIP of the other family"));
            }
            var address = Scalar.Str(AddressText(a));
            Node item = dev is null && label is null ? address
                : Attach(new Map().Add("address", address), dev, label);
            (toExcluded ? c.Excluded : c.Vips).Add(item, Loc(line));
        }

        static Map Attach(Map map, string? dev, string? label)
        {
            if (dev is not null)
            {
                map.Add("dev", Scalar.Str(dev));
            }
            if (label is not null)
            {
                map.Add("label", Scalar.Str(label));
            }
            return map;
        }
    }

    private Map Garp(InstanceParts c, Notes notes)
    {
        var garp = new Map();
        if ((c.GarpRepeat ?? _garpRepeat) is { } repeat && Integer(repeat) is { } r)
        {
            garp.Add("repeat", Scalar.Number(r), Loc(repeat));
        }
        // vrrp_garp_interval is global only (a vrrp_instance has no garp_interval)
        if (_garpInterval is { } intervalNode && Seconds(intervalNode) is { } interval)
        {
            if (interval < TimeSpan.FromMilliseconds(1))
            {
                notes.Add("garp", Warn(intervalNode, "0 (back to back) is 1ms in HaDirector, its shortest interval"));
                interval = TimeSpan.FromMilliseconds(1);
            }
            garp.Add("interval", Scalar.Duration(interval), Loc(intervalNode));
        }
        if ((c.GarpRefresh ?? _garpRefresh) is { } refresh && Seconds(refresh) is { } every)
        {
            garp.Add("refresh", Scalar.Duration(every), Loc(refresh));
        }
        return garp;
    }

    private void Authentication(KeepalivedNode node, InstanceParts c, Notes notes)
    {
        var type = node.Children?.FirstOrDefault(n => n.Keyword == "auth_type")?.Arg(0);
        var pass = node.Children?.FirstOrDefault(n => n.Keyword == "auth_pass");
        if (type == "AH")
        {
            notes.Add("authentication", Warn(node, "auth_type AH not carried over: HaDirector offers no IPsec AH; use auth_hmac (authentication: { type: hmac }) on both nodes"));
            return;
        }
        if (pass?.Arg(0) is not { } password)
        {
            notes.Add("authentication", Warn(node, "has no auth_pass: not carried over"));
            return;
        }
        if (password.Length > 8)
        {
            notes.Add("authentication", Explain(pass, "longer than 8 characters: cut to 8, as keepalived does"));
            password = password[..8];
        }
        c.Authentication = (new Map().Add("type", Scalar.Str("pass")).Add("password", Scalar.Str(password), Loc(pass)), node);
    }

    private Map Hmac(KeepalivedNode node)
    {
        var map = new Map().Add("type", Scalar.Str("hmac"));
        var keys = new Seq();
        foreach (var child in node.Children ?? [])
        {
            switch (child.Keyword)
            {
                case "key" when child.Args.Count >= 2 && Integer(child) is { } id:
                    // keepalived's ${_ENV CREDENTIALS_DIRECTORY} is HaDirector's $CREDENTIALS_DIRECTORY.
                    var key = child.Args[1].Replace("${_ENV CREDENTIALS_DIRECTORY}", "$CREDENTIALS_DIRECTORY", StringComparison.Ordinal);
                    keys.Add(new Map().Add("id", Scalar.Number(id)).Add("key", Scalar.Str(key)), Loc(child));
                    break;
                case "active_key" when Integer(child) is { } active:
                    map.Add("activeKey", Scalar.Number(active), Loc(child));
                    break;
                case "mode":
                    map.Add("mode", Scalar.Str(child.Arg(0) == "receive-only" ? "receiveOnly" : child.Arg(0) ?? ""), Loc(child));
                    break;
                case "anti_replay":
                    map.Add("antiReplay", Scalar.Str(child.Arg(0) ?? ""), Loc(child));
                    break;
                case "time_window" when Integer(child) is { } window:
                    map.Add("timeWindow", Scalar.Duration(TimeSpan.FromSeconds(window)), Loc(child));
                    break;
                default:
                    map.Note(Warn(child, "not carried over: no HaDirector equivalent"));
                    break;
            }
        }
        // keys come right after type, as docs/configuration.md lists them
        map.Entries.Insert(1, new Entry("keys", keys, Loc(node), []));
        return map;
    }

    private void NotifyHook(KeepalivedNode node, Map notify)
    {
        var key = node.Keyword switch
        {
            "notify" => "command",
            "notify_master" => "master",
            "notify_backup" => "backup",
            "notify_fault" => "fault",
            _ => "stop",
        };
        if (node.Args.Count == 0)
        {
            notify.Note(Warn(node, "names no script: not carried over"));
            return;
        }
        notify.Add(key, Scalar.Str(string.Join(' ', node.Args)), Loc(node));
    }

    private void SyncGroup(KeepalivedNode node, Seq into)
    {
        var name = node.Arg(0) ?? "";
        var members = new Seq();
        var notify = new Map();
        var notes = new List<string>();
        foreach (var child in node.Children ?? [])
        {
            switch (child.Keyword)
            {
                case "group":
                    foreach (var (word, location) in child.Words())
                    {
                        members.Add(Scalar.Str(word), location.ToString());
                    }
                    break;
                case "notify" or "notify_master" or "notify_backup" or "notify_fault" or "notify_stop":
                    NotifyHook(child, notify);
                    break;
                case "track_script" or "track_interface" or "track_file" or "track_process":
                    notes.Add(Explain(child, "in the track: list of each member instance, as keepalived applies a sync group's trackers to every member (a member that faults takes the group with it)"));
                    break;
                case "sync_group_tracking_weight":
                    notes.Add(Explain(child, "HaDirector applies the members' tracking weights always, as keepalived does with this keyword"));
                    break;
                default:
                    notes.Add(Warn(child, "not carried over: no HaDirector equivalent"));
                    break;
            }
        }
        if (members.Items.Count < 2)
        {
            _topNotes.Note(Warn(node, $"{name} has fewer than two members: not carried over (keepalived ignores it too)"));
            return;
        }
        var map = new Map().Add("name", Scalar.Str(name)).Add("instances", members);
        if (notify.Entries.Count > 0)
        {
            map.Add("notify", notify);
        }
        foreach (var note in notes)
        {
            map.Note(note);
        }
        into.Add(map, Loc(node));
    }

    private static (Node, string)? Value(KeepalivedNode node, Func<string, Scalar> make) =>
        node.Arg(0) is { } text ? (make(text), Loc(node)) : null;

    private (Node, string)? Number(KeepalivedNode node) =>
        Integer(node) is { } value ? (Scalar.Number(value), Loc(node)) : null;

    private static void Put(Map map, string key, (Node Value, string? Comment)? value, Notes notes)
    {
        var before = notes.Take(key);
        if (value is { } v)
        {
            map.Add(key, v.Value, v.Comment, before);
        }
        else
        {
            foreach (var note in before)
            {
                map.Note(note);
            }
        }
    }

    /// <summary>What one vrrp_instance block says, gathered before it is written in the documented order.</summary>
    private sealed class InstanceParts
    {
        public (Node, string)? Interface { get; set; }
        public (Node, string)? Vrid { get; set; }
        public (Node, string)? Priority { get; set; }
        public int? Version { get; set; }
        public string? VersionSource { get; set; }
        public (TimeSpan Value, KeepalivedNode Node)? AdvertInterval { get; set; }
        public (Node, string)? Preempt { get; set; }
        public (Node, string)? PreemptDelay { get; set; }
        public (Node, string)? Source { get; set; }
        public Seq Peers { get; } = new();
        public string? PeersSource { get; set; }
        public Seq Vips { get; } = new();
        public string? VipsSource { get; set; }
        public Seq Excluded { get; } = new();
        public string? ExcludedSource { get; set; }
        public AddressFamily? Family { get; set; }
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
        public KeepalivedNode? GarpRepeat { get; set; }
        public KeepalivedNode? GarpRefresh { get; set; }
        public (Map Map, KeepalivedNode Node)? Authentication { get; set; }
        public List<(Map Map, string Comment)> Track { get; } = [];
        public Dictionary<string, Map> Tracked { get; } = new(StringComparer.Ordinal);
        public Map Notify { get; } = new();
    }

    /// <summary>Comments waiting for the key they are about (or the end of the block).</summary>
    private sealed class Notes
    {
        private readonly List<(string? Key, string Text)> _notes = [];

        public void Add(string? key, string text) => _notes.Add((key, text));

        public List<string> Take(string key)
        {
            var taken = _notes.Where(n => n.Key == key).Select(n => n.Text).ToList();
            _notes.RemoveAll(n => n.Key == key);
            return taken;
        }

        public void Rest(Map map)
        {
            foreach (var (_, text) in _notes)
            {
                map.Note(text);
            }
            _notes.Clear();
        }
    }
}
