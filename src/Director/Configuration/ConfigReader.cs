using System.Net;

namespace HaDirector.Director.Configuration;

/// <summary>
/// Turns the YAML tree into the config records: shape, types, required keys and the range of each single
/// value. Checks that need more than one value are <see cref="ConfigValidator"/>'s.
/// </summary>
internal sealed partial class ConfigReader(ConfigDiagnostics diagnostics)
{
    private static readonly string[] RootKeys = ["vrrp", "virtualServers", "metrics", "control", "ipvs", "logging", "announce"];
    private static readonly string[] VrrpKeys = ["instances", "realtimePriority", "trackers", "syncGroups"];
    private static readonly string[] MetricsKeys = ["listen"];
    private static readonly string[] ControlKeys = ["socket"];
    private static readonly string[] IpvsKeys = ["warmStandby", "reconcilePeriod", "expireNodestConn", "syncDaemon"];
    private static readonly string[] SyncDaemonKeys = ["interface", "syncId", "takeoverGrace", "syncThreshold"];
    private static readonly string[] LoggingKeys = ["format"];

    /// <summary>The root key whose items <see cref="ReadVirtualServerEarly"/> reads as the parser delivers them.</summary>
    public const string VirtualServersKey = "virtualServers";

    private readonly List<(ConfigNode Node, VirtualServerConfig? Config)> _early = [];

    /// <summary>
    /// Reads an item of <c>virtualServers</c> while the parser is still on the rest of the file (the same read,
    /// the same errors, as <see cref="Read"/> would make); <see cref="Read"/> then takes the result as it is.
    /// </summary>
    public void ReadVirtualServerEarly(int index, ConfigNode node) =>
        _early.Add((node, ReadVirtualServer(new ListItem(node, FieldPath.Child("", VirtualServersKey), index))));

    public DirectorConfig Read(ConfigNode root)
    {
        var map = YamlMap.Open(root, "", diagnostics, RootKeys);
        if (map is null)
        {
            return new DirectorConfig();
        }

        var vrrp = map.Map("vrrp", VrrpKeys);
        // A director whose VIPs are all announced needs no VRRP instance (vrrp.trackers may still serve announce).
        var announce = ReadAnnounce(map);
        if (map.Node("vrrp") is null && announce is null)
        {
            diagnostics.Report("vrrp", map.Start, "missing required key 'vrrp'");
        }

        return new DirectorConfig
        {
            Vrrp = new VrrpConfig
            {
                Instances = ReadInstances(vrrp, announce is not null),
                RealtimePriority = vrrp?.Read("realtimePriority", ScalarParsers.Int(0, 99), new VrrpConfig().RealtimePriority)
                    ?? new VrrpConfig().RealtimePriority,
                Trackers = vrrp?.ReadList("trackers", item => ReadTracker(item) ?? new TrackerConfig()) ?? [],
                SyncGroups = vrrp?.ReadList("syncGroups", item => ReadSyncGroup(item) ?? new SyncGroupConfig()) ?? [],
            },
            VirtualServers = map.ReadList(VirtualServersKey, item => ReadVirtualServerOnce(item) ?? new VirtualServerConfig()),
            Metrics = ReadMetrics(map),
            Control = ReadControl(map.Map("control", ControlKeys)),
            Ipvs = ReadIpvs(map.Map("ipvs", IpvsKeys)),
            Logging = ReadLogging(map.Map("logging", LoggingKeys)),
            Announce = announce,
        };
    }

    private VirtualServerConfig? ReadVirtualServerOnce(ListItem item) =>
        item.Index < _early.Count && ReferenceEquals(_early[item.Index].Node, item.Node) ? _early[item.Index].Config : ReadVirtualServer(item);

    private static MetricsConfig ReadMetrics(YamlMap root)
    {
        var map = root.Map("metrics", MetricsKeys);
        if (map is null || !map.Has("listen"))
        {
            return new MetricsConfig();
        }

        // An empty value or 'off' turns the endpoint off rather than falling back to the default.
        return new MetricsConfig
        {
            Listen = map.Node("listen") is null ? null : map.Read<IPEndPoint?>("listen", ParseListen, MetricsConfig.DefaultListen),
        };
    }

    private static Parsed<IPEndPoint?> ParseListen(string text) =>
        text is "off" or "" ? (IPEndPoint?)null : ScalarParsers.Endpoint(text).Select(e => (IPEndPoint?)e);

    private static ControlConfig ReadControl(YamlMap? map)
    {
        var defaults = new ControlConfig();
        return map is null ? defaults : new ControlConfig { Socket = map.Read("socket", ParseSocketPath, defaults.Socket) };
    }

    private static Parsed<string> ParseSocketPath(string text) =>
        text.StartsWith('/') ? text : new ParseError($"expected an absolute path like /run/hadirector/control.sock, got '{text}'");

    private static IpvsConfig ReadIpvs(YamlMap? map)
    {
        var defaults = new IpvsConfig();
        if (map is null)
        {
            return defaults;
        }

        var sync = map.Map("syncDaemon", SyncDaemonKeys);
        return new IpvsConfig
        {
            // With connection sync the backup keeps its services (as keepalived's does), or a synced connection dies on
            // a round trip lb1 -> lb2 -> lb1 (docs/configuration.md, "A connection that comes back"); an explicit value wins.
            WarmStandby = map.Read("warmStandby", ScalarParsers.Bool, sync is not null || defaults.WarmStandby),
            ReconcilePeriod = map.Read("reconcilePeriod", ScalarParsers.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)), defaults.ReconcilePeriod),
            ExpireNodestConn = map.Read("expireNodestConn", ScalarParsers.Bool, defaults.ExpireNodestConn),
            SyncDaemon = sync is null
                ? null
                : new SyncDaemonConfig(
                    sync.Require("interface", ScalarParsers.InterfaceName, ""),
                    sync.Read("syncId", ScalarParsers.Int(0, 255), 0),
                    sync.Read("takeoverGrace", ScalarParsers.Duration(TimeSpan.Zero, TimeSpan.FromMinutes(1)), SyncDaemonConfig.DefaultTakeoverGrace),
                    sync.Read("syncThreshold", ScalarParsers.Int(2, 10000), SyncDaemonConfig.DefaultSyncThreshold)),
        };
    }

    private static LoggingConfig ReadLogging(YamlMap? map)
    {
        var defaults = new LoggingConfig();
        return map is null ? defaults : new LoggingConfig { Format = map.Read("format", ScalarParsers.LogFormats.Parse, defaults.Format) };
    }
}
