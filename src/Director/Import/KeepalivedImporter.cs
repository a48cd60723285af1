using System.Globalization;
using System.Net;
using System.Net.Sockets;
using static HaDirector.Director.Import.YamlOut;

namespace HaDirector.Director.Import;

/// <summary>
/// Translates a read keepalived.conf (<see cref="KeepalivedReader"/>) into a HaDirector configuration that means the
/// same thing, in the order of docs/configuration.md. Whatever cannot be carried over exactly is a warning naming
/// file:line and the keyword, and a comment at the same place in the YAML; every value carries its source line.
/// </summary>
public sealed partial class KeepalivedImporter
{
    private readonly List<ImportMessage> _errors = [];
    private readonly List<ImportMessage> _warnings = [];
    private readonly HashSet<string> _reported = [];
    private readonly Map _topNotes = new();
    private readonly Dictionary<string, KeepalivedNode> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeepalivedNode> _trackFiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeepalivedNode> _trackProcesses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeepalivedNode> _serverGroups = new(StringComparer.Ordinal);
    private readonly Seq _trackers = new();
    private readonly HashSet<string> _trackerNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _vipOwners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Tracker, string Comment)>> _extraTracks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _virtualServerNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupTracks> _groupTracks = new(StringComparer.Ordinal);

    // Members of a vrrp_sync_group without sync_group_tracking_weight: keepalived ignores their tracking weights.
    private readonly HashSet<string> _unweightedMembers = new(StringComparer.Ordinal);
    private string _instance = "";
    private int _defaultVersion = 2;
    private KeepalivedNode? _strict;
    private KeepalivedNode? _garpRepeat;
    private KeepalivedNode? _garpInterval;
    private KeepalivedNode? _garpRefresh;
    private Map? _syncDaemon;

    private KeepalivedImporter()
    {
    }

    /// <param name="source">The main file's name, for the header.</param>
    public static ImportResult Import(KeepalivedReadResult read, string source)
    {
        if (read.Errors.Count > 0)
        {
            return new ImportResult(null, read.Errors, read.Warnings);
        }
        var importer = new KeepalivedImporter();
        importer._warnings.AddRange(read.Warnings);
        foreach (var warning in read.Warnings)
        {
            importer._topNotes.Note($"{warning}");
        }
        var yaml = importer.Translate(read.Nodes, source);
        // In the order of the files' lines, whatever order the translation visited them in.
        var warnings = importer._warnings.OrderBy(w => w.Location.File, StringComparer.Ordinal).ThenBy(w => w.Location.Line).ToList();
        return new ImportResult(importer._errors.Count > 0 ? null : yaml, importer._errors, warnings);
    }

    private string Translate(IReadOnlyList<KeepalivedNode> nodes, string source)
    {
        var instances = new List<KeepalivedNode>();
        var groups = new List<KeepalivedNode>();
        var servers = new List<KeepalivedNode>();
        foreach (var node in nodes)
        {
            switch (node.Keyword)
            {
                case "global_defs":
                    GlobalDefs(node);
                    break;
                case "vrrp_script":
                    Define(_scripts, node);
                    break;
                case "track_file" or "vrrp_track_file":
                    Define(_trackFiles, node);
                    break;
                case "track_process" or "vrrp_track_process":
                    Define(_trackProcesses, node);
                    break;
                case "virtual_server_group":
                    Define(_serverGroups, node);
                    break;
                case "vrrp_instance":
                    instances.Add(node);
                    break;
                case "vrrp_sync_group":
                    groups.Add(node);
                    break;
                case "virtual_server":
                    servers.Add(node);
                    break;
                case "static_ipaddress" or "static_routes" or "static_rules":
                    _topNotes.Note(Warn(node, "not carried over: HaDirector manages only the addresses that follow the master; put static addresses, routes and rules in the host's network configuration"));
                    break;
                case "bfd_instance":
                    _topNotes.Note(Warn(node, "not carried over: HaDirector has no BFD; use a vrrp.trackers entry (script) that tests the neighbour instead"));
                    break;
                case "linkbeat_use_polling":
                    _topNotes.Note(Warn(node, "not carried over: HaDirector follows links by rtnetlink events"));
                    break;
                default:
                    _topNotes.Note(Warn(node, "not carried over: no HaDirector equivalent"));
                    break;
            }
        }

        if (instances.Count == 0)
        {
            Error(new SourceLocation(source, 0), "", "no vrrp_instance: HaDirector needs at least one VRRP instance (a virtual server is served where the instance holding its VIP is master); add one, then import again");
            return "";
        }

        foreach (var instance in instances)
        {
            RecordVipOwners(instance);
        }
        foreach (var group in groups)
        {
            RecordGroupTracks(group, instances);
        }
        foreach (var group in groups.Where(g => !(g.Children ?? []).Any(c => c.Keyword is "sync_group_tracking_weight" or "global_tracking")))
        {
            foreach (var member in (group.Children ?? []).Where(c => c.Keyword == "group"))
            {
                _unweightedMembers.UnionWith(member.Words().Select(w => w.Word));
            }
        }
        var virtualServers = new Seq();
        foreach (var server in servers)
        {
            VirtualServer(server, virtualServers);
        }
        var instanceSeq = new Seq();
        foreach (var instance in instances)
        {
            if (Instance(instance) is { } map)
            {
                instanceSeq.Add(map, instance.Location.ToString());
            }
        }
        var syncGroups = new Seq();
        foreach (var group in groups)
        {
            SyncGroup(group, syncGroups);
        }

        var vrrp = new Map().Add("instances", instanceSeq);
        if (_trackers.Items.Count > 0)
        {
            vrrp.Add("trackers", _trackers);
        }
        if (syncGroups.Items.Count > 0)
        {
            vrrp.Add("syncGroups", syncGroups);
        }
        var root = new Map(_topNotes.Entries);
        root.Add("vrrp", vrrp);
        if (virtualServers.Items.Count > 0)
        {
            root.Add("virtualServers", virtualServers);
        }
        if (_syncDaemon is not null)
        {
            root.Add("ipvs", new Map().Add("syncDaemon", _syncDaemon));
        }

        string[] header =
        [
            $"Imported from {source} by hadirector import-keepalived.",
            "Each value's comment names the keepalived.conf line it came from; \"keyword (file:line): ...\" comments",
            $"say what was translated otherwise or not carried over ({_warnings.Count} warning(s)). Review, then:",
            "hadirector check-config --config THIS_FILE",
            "",
        ];
        return Write(root, header);
    }

    private void Define(Dictionary<string, KeepalivedNode> into, KeepalivedNode node)
    {
        if (node.Arg(0) is { } name)
        {
            into[name] = node; // keepalived: a later definition of the same name wins
        }
        else
        {
            _topNotes.Note(Warn(node, "has no name: not carried over"));
        }
    }

    // --- messages -------------------------------------------------------------------------------------------------

    /// <summary>Records a warning (once per line and text) and returns it as the YAML comment for that place.</summary>
    private string Warn(KeepalivedNode node, string text) => Warn(node.Location, node.Keyword, text);

    private string Warn(SourceLocation location, string keyword, string text)
    {
        var message = new ImportMessage(location, keyword, text);
        if (_reported.Add(message.ToString()))
        {
            _warnings.Add(message);
        }
        return $"{keyword} ({location}): {text}";
    }

    /// <summary>
    /// A comment for the YAML only, not a warning: what was translated otherwise with the same effect (keepalived
    /// does the same, or the keyword changes nothing HaDirector does), so the import stays complete (exit 0).
    /// </summary>
    private static string Explain(KeepalivedNode node, string text) => $"{node.Keyword} ({node.Location}): {text}";

    private void Error(SourceLocation location, string keyword, string text) => _errors.Add(new ImportMessage(location, keyword, text));

    // --- values ---------------------------------------------------------------------------------------------------

    private TimeSpan? Seconds(KeepalivedNode node, int index = 0)
    {
        if (node.Arg(index) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 && s < 1e7)
        {
            return TimeSpan.FromMilliseconds(Math.Round(s * 1000));
        }
        Error(node.Location, node.Keyword, $"'{node.Arg(index)}' is not a number of seconds");
        return null;
    }

    private long? Integer(KeepalivedNode node, int index = 0)
    {
        if (node.Arg(index) is { } text && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        Error(node.Location, node.Keyword, $"'{node.Arg(index)}' is not an integer");
        return null;
    }

    /// <summary>An address in RFC 5952 form (IPv4 dotted quad), with its prefix length when one was given.</summary>
    private static (IPAddress Address, int? Prefix)? ParseAddress(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%', StringComparison.Ordinal) ||
            (address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3))
        {
            return null;
        }
        if (slash < 0)
        {
            return (address, null);
        }
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) && prefix <= max
            ? (address, prefix)
            : null;
    }

    private static string AddressText((IPAddress Address, int? Prefix) a) =>
        a.Prefix is { } p ? $"{a.Address}/{p}" : a.Address.ToString();

    /// <summary>keepalived's address ranges: <c>10.0.0.1-5</c> (last octet) or <c>2001:db8::1-a</c> (last group, hex).</summary>
    private static IEnumerable<string> ExpandRange(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var suffix = slash < 0 ? "" : text[slash..];
        var body = slash < 0 ? text : text[..slash];
        var dash = body.LastIndexOf('-');
        if (dash < 0)
        {
            return [text];
        }
        var v6 = body.Contains(':', StringComparison.Ordinal);
        var head = body[..dash];
        var sep = head.LastIndexOf(v6 ? ':' : '.');
        if (sep < 0 || !int.TryParse(head[(sep + 1)..], v6 ? NumberStyles.HexNumber : NumberStyles.None, CultureInfo.InvariantCulture, out var from) ||
            !int.TryParse(body[(dash + 1)..], v6 ? NumberStyles.HexNumber : NumberStyles.None, CultureInfo.InvariantCulture, out var to) || to < from || to - from > 1024)
        {
            return [text];
        }
        var prefix = head[..(sep + 1)];
        return Enumerable.Range(from, to - from + 1).Select(i => prefix + (v6 ? i.ToString("x", CultureInfo.InvariantCulture) : i.ToString(CultureInfo.InvariantCulture)) + suffix);
    }

    private static string Loc(KeepalivedNode node) => node.Location.ToString();
}
