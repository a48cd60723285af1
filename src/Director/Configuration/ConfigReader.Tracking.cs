using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Configuration;

internal sealed partial class ConfigReader
{
    private static readonly string[] TrackerKeys =
        ["name", "type", "interface", "command", "path", "process", "virtualServer", "minUp", "interval", "timeout", "rise", "fall"];

    private static readonly string[] TrackKeys = ["tracker", "weight"];
    private static readonly string[] SyncGroupKeys = ["name", "instances", "notify"];
    private static readonly string[] NotifyKeys = ["command", "master", "backup", "fault", "stop", "timeout"];

    /// <summary>The keys each tracker type needs, and the only ones it reads besides name and type.</summary>
    private static readonly Dictionary<TrackerType, (string Required, string[] Optional)> TrackerTypeKeys = new()
    {
        [TrackerType.Interface] = ("interface", []),
        [TrackerType.Script] = ("command", ["interval", "timeout", "rise", "fall"]),
        [TrackerType.File] = ("path", ["interval"]),
        [TrackerType.Process] = ("process", ["interval"]),
        [TrackerType.VirtualServer] = ("virtualServer", ["minUp"]),
    };

    private static readonly Func<string, Parsed<int>> Weight = ScalarParsers.Int(-TrackingPolicy.MaxWeight, TrackingPolicy.MaxWeight);

    private TrackerConfig? ReadTracker(ListItem item)
    {
        var map = YamlMap.Open(item, diagnostics, TrackerKeys);
        if (map is null)
        {
            return null;
        }

        var defaults = new TrackerConfig();
        var type = map.Require("type", ScalarParsers.TrackerTypes.Parse, TrackerType.Script);
        if (!diagnostics.IsBroken(map.Child("type")))
        {
            var (required, optional) = TrackerTypeKeys[type];
            if (!map.Has(required))
            {
                diagnostics.Report(map.Child(required), map.Start, $"missing required key '{required}' for {Kind(type)}");
            }

            foreach (var key in TrackerKeys.Skip(2).Where(k => k != required && !optional.Contains(k) && map.Has(k)))
            {
                diagnostics.Report(map.Child(key), $"not used by {Kind(type)}");
            }
        }

        return new TrackerConfig
        {
            Name = map.Require("name", ScalarParsers.NonEmpty, ""),
            Type = type,
            Interface = map.ReadOrNull("interface", ScalarParsers.InterfaceName),
            Command = map.ReadOrNull("command", ScalarParsers.NonEmpty),
            Path = map.ReadOrNull("path", ParseAbsolutePath),
            Process = map.ReadOrNull("process", ScalarParsers.NonEmpty),
            VirtualServer = map.ReadOrNull("virtualServer", ScalarParsers.NonEmpty),
            MinUp = map.Read("minUp", ScalarParsers.Int(1, int.MaxValue), defaults.MinUp),
            Interval = map.Read("interval", ScalarParsers.Duration(TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)), defaults.Interval),
            Timeout = map.Read("timeout", ScalarParsers.Duration(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)), defaults.Timeout),
            Rise = map.Read("rise", ScalarParsers.Int(1, 1000), defaults.Rise),
            Fall = map.Read("fall", ScalarParsers.Int(1, 1000), defaults.Fall),
        };
    }

    private TrackConfig? ReadTrack(ListItem item)
    {
        var map = YamlMap.Open(item, diagnostics, TrackKeys);
        if (map is null)
        {
            return null;
        }

        // keepalived: weight 0 is no weight (a failure is a fault).
        var weight = map.ReadOptional("weight", Weight);
        return new TrackConfig(map.Require("tracker", ScalarParsers.NonEmpty, ""), weight == 0 ? null : weight);
    }

    private SyncGroupConfig? ReadSyncGroup(ListItem item)
    {
        var map = YamlMap.Open(item, diagnostics, SyncGroupKeys);
        if (map is null)
        {
            return null;
        }

        var instances = map.List("instances", ScalarParsers.NonEmpty, "");
        if (instances.Count < 2 && !diagnostics.IsBroken(map.Child("instances")))
        {
            diagnostics.Report(map.Child("instances"), map.Start, "a sync group needs at least two instances");
        }

        return new SyncGroupConfig
        {
            Name = map.Require("name", ScalarParsers.NonEmpty, ""),
            Instances = instances,
            Notify = ReadNotify(map.Map("notify", NotifyKeys)),
        };
    }

    private static NotifyConfig? ReadNotify(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        return new NotifyConfig
        {
            Command = map.ReadOrNull("command", ScalarParsers.NonEmpty),
            Master = map.ReadOrNull("master", ScalarParsers.NonEmpty),
            Backup = map.ReadOrNull("backup", ScalarParsers.NonEmpty),
            Fault = map.ReadOrNull("fault", ScalarParsers.NonEmpty),
            Stop = map.ReadOrNull("stop", ScalarParsers.NonEmpty),
            Timeout = map.Read("timeout", ScalarParsers.Duration(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)), new NotifyConfig().Timeout),
        };
    }

    private static string Kind(TrackerType type) => type == TrackerType.Interface ? "an interface tracker" : $"a {ScalarParsers.TrackerTypes.Name(type)} tracker";

    private static Parsed<string> ParseAbsolutePath(string text) =>
        text.StartsWith('/') ? text : new ParseError($"expected an absolute path, got '{text}'");
}
