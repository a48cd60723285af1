using System.Net;

namespace HaDirector.Director.Configuration;

internal sealed partial class ConfigReader
{
    private static readonly string[] AnnounceKeys = ["table", "protocol", "holdDown", "stopGrace", "localRoute", "vips", "routingDaemon"];
    private static readonly string[] AnnouncedVipKeys = ["address", "minHealthy", "track"];
    private static readonly string[] RoutingDaemonKeys = ["type", "socket", "interval", "timeout"];
    private static readonly YamlNames<RoutingDaemonType> RoutingDaemonTypes = new(("bird", RoutingDaemonType.Bird), ("frr", RoutingDaemonType.Frr));

    private AnnounceConfig? ReadAnnounce(YamlMap root)
    {
        var map = root.Map("announce", AnnounceKeys);
        if (map is null)
        {
            return null;
        }

        var defaults = new AnnounceConfig();
        var vips = map.ReadList("vips", item => ReadAnnouncedVip(item) ?? new AnnouncedVipConfig());
        if (vips.Count == 0 && !diagnostics.IsBroken(map.Child("vips")))
        {
            diagnostics.Report(map.Child("vips"), map.Start, "needs at least one VIP");
        }

        return new AnnounceConfig
        {
            Table = (uint)map.Read("table", ParseTable, (int)defaults.Table),
            Protocol = (byte)map.Read("protocol", ParseRouteProtocol, defaults.Protocol),
            HoldDown = map.Read("holdDown", ScalarParsers.Duration(TimeSpan.Zero, TimeSpan.FromHours(1)), defaults.HoldDown),
            StopGrace = map.Read("stopGrace", ScalarParsers.Duration(TimeSpan.Zero, TimeSpan.FromMinutes(5)), defaults.StopGrace),
            LocalRoute = map.Read("localRoute", ScalarParsers.Bool, defaults.LocalRoute),
            Vips = vips,
            RoutingDaemon = ReadRoutingDaemon(map),
        };
    }

    private RoutingDaemonConfig? ReadRoutingDaemon(YamlMap announce)
    {
        var map = announce.Map("routingDaemon", RoutingDaemonKeys);
        if (map is null)
        {
            return null;
        }

        var defaults = new RoutingDaemonConfig();
        var config = new RoutingDaemonConfig
        {
            Type = map.Require("type", RoutingDaemonTypes.Parse, defaults.Type),
            Socket = map.ReadOrNull("socket", ScalarParsers.NonEmpty),
            Interval = map.Read("interval", ScalarParsers.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)), defaults.Interval),
            Timeout = map.Read("timeout", ScalarParsers.Duration(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)), defaults.Timeout),
        };
        if (config.Timeout > config.Interval && map.Node("timeout") is not null)
        {
            // A read still running when the next is due is skipped, so this would read less often than asked.
            diagnostics.Report(map.Child("timeout"), $"must not be longer than interval ({DurationText.Format(config.Interval)})");
        }

        return config;
    }

    private AnnouncedVipConfig? ReadAnnouncedVip(ListItem item)
    {
        var map = YamlMap.Open(item, diagnostics, AnnouncedVipKeys);
        return map is null
            ? null
            : new AnnouncedVipConfig
            {
                Address = map.Require("address", ScalarParsers.IpAddress, IPAddress.None),
                MinHealthy = map.Read("minHealthy", ScalarParsers.Int(1, 100_000), new AnnouncedVipConfig().MinHealthy),
                Track = map.List("track", ScalarParsers.NonEmpty, ""),
            };
    }

    /// <summary>The kernel's own tables carry the host's routes; ours must be one the routing daemon reads alone.</summary>
    private static Parsed<int> ParseTable(string text)
    {
        var parsed = ScalarParsers.Int(1, int.MaxValue)(text);
        return parsed.Ok && parsed.Value is >= 253 and <= 255
            ? new ParseError($"{parsed.Value} is the kernel's {(parsed.Value == 253 ? "default" : parsed.Value == 254 ? "main" : "local")} table; "
                + "give a table of its own (1..252 or 256 and up), which only the routing daemon reads")
            : parsed;
    }

    /// <summary>rtm_protocol: 0..4 are the kernel's own (RTPROT_UNSPEC..RTPROT_STATIC).</summary>
    private static Parsed<int> ParseRouteProtocol(string text)
    {
        var parsed = ScalarParsers.Int(0, 255)(text);
        return parsed.Ok && parsed.Value <= 4
            ? new ParseError($"{parsed.Value} is one of the kernel's own route protocols (0..4); give 5..255, one no other program uses (see /etc/iproute2/rt_protos)")
            : parsed;
    }
}
