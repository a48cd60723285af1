using System.Net;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Configuration;

internal sealed partial class ConfigReader
{
    private static readonly string[] InstanceKeys =
    [
        "name", "interface", "vrid", "priority", "version", "advertInterval", "learnedIntervalLimit", "preempt", "preemptDelay",
        "unicastPeers", "unicastSource", "virtualAddresses", "excludedAddresses", "garp", "authentication", "v3Checksum",
        "track", "notify", "tableFailureWeight",
    ];

    private static readonly string[] VirtualAddressKeys = ["address", "dev", "label"];

    /// <summary>What a broken item of an address list stands as, so later indexes still match their paths.</summary>
    private static readonly VirtualAddress BrokenAddress = new(IPAddress.None, 32);

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
        var addresses = map.ReadList("virtualAddresses", ReadVirtualAddress);
        var excluded = map.ReadList("excludedAddresses", ReadVirtualAddress);
        if (addresses.Count == 0 && !diagnostics.IsBroken(map.Child("virtualAddresses")))
        {
            // keepalived refuses it too for VRRPv3, IPv6 and vrrp_strict (RFC 5798 §5.2.5: Count IPvX Addrs is at least 1)
            // and sends VRRPv2 adverts with no address otherwise, which a peer cannot check against anything.
            diagnostics.Report(map.Child("virtualAddresses"), excluded.Count > 0
                ? "needs at least one address: the advert lists them (RFC 5798 §5.2.5, at least 1); "
                    + "move one of excludedAddresses here, on both nodes (keepalived: into virtual_ipaddress)"
                : "needs at least one address");
        }

        var authentication = map.Map("authentication", AuthenticationKeys);
        return WithHmac(new VrrpInstanceConfig
        {
            Name = map.Require("name", ScalarParsers.NonEmpty, ""),
            Interface = map.Require("interface", ScalarParsers.InterfaceName, ""),
            VirtualRouterId = map.Require("vrid", ScalarParsers.Int(1, 255), 0),
            Priority = map.Require("priority", ScalarParsers.Int(1, 255), 0),
            Version = map.Read("version", ParseVersion, defaults.Version),
            // The protocol limits depend on the version; ConfigValidator checks them.
            AdvertInterval = map.Read("advertInterval", DurationText.Parse, defaults.AdvertInterval),
            LearnedIntervalLimit = map.ReadOptional("learnedIntervalLimit", ParseIntervalLimit),
            Preempt = map.Read("preempt", ScalarParsers.Bool, defaults.Preempt),
            PreemptDelay = map.Read("preemptDelay", ScalarParsers.Duration(TimeSpan.Zero, TimeSpan.FromHours(1)), defaults.PreemptDelay),
            UnicastPeers = map.List("unicastPeers", ScalarParsers.VrrpAddress, IPAddress.None),
            UnicastSource = map.ReadOrNull("unicastSource", ScalarParsers.VrrpAddress),
            VirtualAddresses = addresses,
            ExcludedAddresses = excluded,
            Garp = ReadGarp(map.Map("garp", GarpKeys)),
            Authentication = ReadAuthentication(authentication),
            V3Checksum = map.Read("v3Checksum", ScalarParsers.ChecksumModes.Parse, defaults.V3Checksum),
            Track = map.ReadList("track", item => ReadTrack(item) ?? new TrackConfig("", null)),
            Notify = ReadNotify(map.Map("notify", NotifyKeys)),
            TableFailureWeight = map.ReadOptional("tableFailureWeight", ScalarParsers.Int(-HaDirector.Vrrp.Tracking.TrackingPolicy.MaxWeight, -1)),
        }, authentication);
    }

    /// <summary><c>off</c> or a duration; the version-dependent limits are ConfigValidator's.</summary>
    private static Parsed<TimeSpan> ParseIntervalLimit(string text) =>
        text == "off" ? TimeSpan.Zero : DurationText.Parse(text);

    /// <summary>An item of <c>virtualAddresses</c>/<c>excludedAddresses</c>: <c>198.18.0.10/24</c>, or <c>{ address, dev, label }</c>.</summary>
    private VirtualAddress ReadVirtualAddress(ListItem item)
    {
        var node = item.Node;
        if (YamlMap.IsNull(node))
        {
            return BrokenAddress;
        }

        if (node.Kind == ConfigNodeKind.Scalar)
        {
            var parsed = ScalarParsers.VirtualAddress(node.Value!);
            if (!parsed.Ok)
            {
                diagnostics.Report(item.Path, node.Start, parsed.Error!);
            }

            return parsed.Ok ? parsed.Value : BrokenAddress;
        }

        var map = YamlMap.Open(item, diagnostics, VirtualAddressKeys);
        if (map is null)
        {
            return BrokenAddress;
        }

        // The label's rule depends on the device, which defaults to the instance's interface: ConfigValidator checks it.
        return map.Require("address", ScalarParsers.VirtualAddress, BrokenAddress) with
        {
            Device = map.ReadOrNull("dev", ScalarParsers.NonEmpty),
            Label = map.ReadOrNull("label", ScalarParsers.NonEmpty),
        };
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
