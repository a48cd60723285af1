using System.Net;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Configuration;

internal sealed partial class ConfigReader
{
    private static readonly string[] InstanceKeys =
    [
        "name", "interface", "vrid", "priority", "version", "advertInterval", "preempt", "preemptDelay",
        "unicastPeers", "unicastSource", "virtualAddresses", "garp", "authentication", "v3Checksum",
        "track", "notify", "tableFailureWeight",
    ];

    private static readonly string[] GarpKeys = ["repeat", "interval", "refresh"];
    private static readonly string[] AuthenticationKeys =
        ["type", "password", "keys", "activeKey", "antiReplay", "timeWindow", "mode", "acceptRoutedUnicast"];

    /// <param name="announcing">The file has announced VIPs: then no VRRP instance is needed.</param>
    private ValueList<VrrpInstanceConfig> ReadInstances(YamlMap? vrrp, bool announcing)
    {
        if (vrrp is null)
        {
            return [];
        }

        // A broken item stays as a placeholder so list indexes keep matching field paths.
        var instances = vrrp.ReadList("instances", item => ReadInstance(item) ?? new VrrpInstanceConfig());
        if (instances.Count == 0 && !announcing && !diagnostics.IsBroken(vrrp.Child("instances")))
        {
            diagnostics.Report(vrrp.Child("instances"), "needs at least one instance");
        }

        return instances;
    }

    private VrrpInstanceConfig? ReadInstance(ListItem item)
    {
        var map = YamlMap.Open(item, diagnostics, InstanceKeys);
        if (map is null)
        {
            return null;
        }

        var defaults = new VrrpInstanceConfig();
        var addresses = map.List("virtualAddresses", ScalarParsers.VirtualAddress, new VirtualAddress(IPAddress.None, 32));
        if (addresses.Count == 0 && !diagnostics.IsBroken(map.Child("virtualAddresses")))
        {
            diagnostics.Report(map.Child("virtualAddresses"), "needs at least one address");
        }

        var authentication = map.Map("authentication", AuthenticationKeys);
        return WithHmac(new VrrpInstanceConfig
        {
            Name = map.Require("name", ScalarParsers.NonEmpty, ""),
            Interface = map.Require("interface", ScalarParsers.NonEmpty, ""),
            VirtualRouterId = map.Require("vrid", ScalarParsers.Int(1, 255), 0),
            Priority = map.Require("priority", ScalarParsers.Int(1, 255), 0),
            Version = map.Read("version", ParseVersion, defaults.Version),
            // The protocol limits depend on the version; ConfigValidator checks them.
            AdvertInterval = map.Read("advertInterval", DurationText.Parse, defaults.AdvertInterval),
            Preempt = map.Read("preempt", ScalarParsers.Bool, defaults.Preempt),
            PreemptDelay = map.Read("preemptDelay", ScalarParsers.Duration(TimeSpan.Zero, TimeSpan.FromHours(1)), defaults.PreemptDelay),
            UnicastPeers = map.List("unicastPeers", ScalarParsers.VrrpAddress, IPAddress.None),
            UnicastSource = map.ReadOrNull("unicastSource", ScalarParsers.VrrpAddress),
            VirtualAddresses = addresses,
            Garp = ReadGarp(map.Map("garp", GarpKeys)),
            Authentication = ReadAuthentication(authentication),
            V3Checksum = map.Read("v3Checksum", ScalarParsers.ChecksumModes.Parse, defaults.V3Checksum),
            Track = map.ReadList("track", item => ReadTrack(item) ?? new TrackConfig("", null)),
            Notify = ReadNotify(map.Map("notify", NotifyKeys)),
            TableFailureWeight = map.ReadOptional("tableFailureWeight", ScalarParsers.Int(-HaDirector.Vrrp.Tracking.TrackingPolicy.MaxWeight, -1)),
        }, authentication);
    }

    private static Parsed<int> ParseVersion(string text) =>
        text switch
        {
            "2" => 2,
            "3" => 3,
            _ => new ParseError($"must be 2 or 3, got '{text}'"),
        };

    private static GarpConfig ReadGarp(YamlMap? map)
    {
        var defaults = new GarpConfig();
        return map is null
            ? defaults
            : new GarpConfig
            {
                Repeat = map.Read("repeat", ScalarParsers.Int(0, 100), defaults.Repeat),
                Interval = map.Read("interval", ScalarParsers.Duration(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10)), defaults.Interval),
                Refresh = map.Read("refresh", ScalarParsers.Duration(TimeSpan.Zero, TimeSpan.FromHours(24)), defaults.Refresh),
            };
    }

    private static VrrpAuthentication ReadAuthentication(YamlMap? map)
    {
        if (map is null || IsHmac(map))
        {
            return VrrpAuthentication.None;
        }

        map.Require("type", ScalarParsers.AuthTypes.Parse, VrrpAuthType.SimpleText);
        return map.Require("password", ParsePassword, "") is { Length: > 0 } password ? VrrpAuthentication.Password(password) : VrrpAuthentication.None;
    }

    /// <summary>RFC 2338 §5.3.6: the password fills the 8 octets of the advert's authentication data.</summary>
    private static Parsed<string> ParsePassword(string text) =>
        text.Length is >= 1 and <= 8 ? text : new ParseError($"must be 1..8 characters, got {text.Length}");
}
