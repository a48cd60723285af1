using System.Net;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.Director.Configuration;

internal sealed partial class ConfigReader
{
    /// <summary>The IPVS scheduler modules of Linux 6.x (<c>net/netfilter/ipvs/ip_vs_*.c</c>).</summary>
    public static readonly string[] Schedulers = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"];

    private static readonly string[] VirtualServerKeys =
    [
        "name", "vip", "port", "protocol", "fwmark", "family", "scheduler", "schedulerFlags", "forwarding", "persistence", "persistenceNetmask",
        "onePacket", "healthCheck", "sorryServer", "realServers",
    ];

    private static readonly string[] HealthCheckKeys =
    [
        "type", "path", "host", "expectStatus", "bodyRegex", "interval", "timeout", "rise", "fall", "retry",
        "retryDelay", "onFailure", "command", "port", "send", "expect", "digest", "sni", "tlsVerify", "dynamicWeight",
        "agentProtocol", "sourceAddress", "halfOpen", "urls",
    ];

    private static readonly string[] UrlKeys = ["path", "expectStatus", "digest", "bodyRegex"];

    private static readonly string[] SorryServerKeys = ["address", "port"];
    private static readonly string[] RealServerKeys =
        ["address", "port", "weight", "forwarding", "notifyUp", "notifyDown", "onFailure", "healthChecks"];

    // Made once rather than a closure per value (a file of 10,000 real servers has 40,000).
    private static readonly Func<string, Parsed<int>> PortNumber = ScalarParsers.Int(1, 65535);
    private static readonly Func<string, Parsed<int>> PortOrWeight = ScalarParsers.Int(0, 65535);
    private static readonly RealServerConfig RealServerDefaults = new();

    private VirtualServerConfig? ReadVirtualServer(ListItem item)
    {
        var map = YamlMap.Open(item, diagnostics, VirtualServerKeys);
        if (map is null)
        {
            return null;
        }

        var defaults = new VirtualServerConfig();
        var name = map.Require("name", ScalarParsers.NonEmpty, "");
        var vip = map.ReadOrNull("vip", ScalarParsers.IpAddress);
        var port = map.ReadOptional("port", PortOrWeight);
        var firewallMark = map.ReadOptional("fwmark", ParseFirewallMark);
        var family = map.ReadOptional("family", ScalarParsers.Families.Parse);
        var realServers = map.ReadList("realServers", item => ReadRealServer(item, port ?? 0) ?? new RealServerConfig());

        // The persistence netmask is written in the service's family (a prefix length means 24 or 64 bits).
        var serviceFamily = new VirtualServerConfig { Vip = vip, Family = family, RealServers = realServers }.ServiceFamily;
        return new VirtualServerConfig
        {
            Name = name,
            Vip = vip,
            Port = port,
            Protocol = map.Read("protocol", ScalarParsers.Protocols.Parse, defaults.Protocol),
            FirewallMark = firewallMark,
            Family = family,
            Scheduler = map.Read("scheduler", ParseScheduler, defaults.Scheduler),
            SchedulerFlags = map.List("schedulerFlags", ScalarParsers.SchedulerFlags.Parse, default),
            Forwarding = map.Read("forwarding", ScalarParsers.ForwardingMethods.Parse, defaults.Forwarding),
            // IPVS keeps the persistence timeout in whole seconds (struct ip_vs_service_user.timeout).
            Persistence = map.Read("persistence", ParsePersistence, defaults.Persistence),
            PersistenceNetmask = map.Read("persistenceNetmask", ScalarParsers.Netmask(serviceFamily), defaults.PersistenceNetmask),
            OnePacket = map.Read("onePacket", ScalarParsers.Bool, defaults.OnePacket),
            HealthCheck = ReadHealthCheck(map.Map("healthCheck", HealthCheckKeys)),
            SorryServer = ReadSorryServer(map.Map("sorryServer", SorryServerKeys), port ?? 0),
            RealServers = realServers,
        };
    }

    private static Parsed<uint> ParseFirewallMark(string text) =>
        uint.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var mark) && mark > 0
            ? mark
            : new ParseError($"expected a firewall mark 1..{uint.MaxValue}, got '{text}'");

    private static Parsed<string> ParseScheduler(string text) =>
        Schedulers.Contains(text) ? text : new ParseError(ScalarParsers.OneOfMessage(text, Schedulers));

    private static Parsed<TimeSpan> ParsePersistence(string text)
    {
        var parsed = ScalarParsers.Duration(TimeSpan.Zero, TimeSpan.FromDays(30))(text);
        return parsed.Ok && parsed.Value.Ticks % TimeSpan.TicksPerSecond != 0
            ? new ParseError($"must be whole seconds, got {DurationText.Format(parsed.Value)}")
            : parsed;
    }

    /// <remarks>
    /// Also a real server's <c>healthChecks[]</c> entry: every key is read, <c>onFailure</c> too, so the validator can
    /// say where it belongs instead of calling it unknown.
    /// </remarks>
    private HealthCheckConfig ReadHealthCheck(YamlMap? map)
    {
        var defaults = new HealthCheckConfig();
        if (map is null)
        {
            return defaults;
        }

        var statuses = map.List("expectStatus", ScalarParsers.Status, new StatusCodeRange(0, 0));
        return new HealthCheckConfig
        {
            Type = map.Read("type", ScalarParsers.CheckTypes.Parse, defaults.Type),
            Path = map.Read("path", ParseHttpPath, defaults.Path),
            Host = map.ReadOrNull("host", ScalarParsers.NonEmpty),
            ExpectStatus = statuses.Count > 0 ? statuses : defaults.ExpectStatus,
            BodyRegex = map.ReadOrNull("bodyRegex", ScalarParsers.NonEmpty),
            Interval = map.Read("interval", ScalarParsers.Duration(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)), defaults.Interval),
            Timeout = map.Read("timeout", ScalarParsers.Duration(TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)), defaults.Timeout),
            Rise = map.Read("rise", ScalarParsers.Int(1, int.MaxValue), defaults.Rise),
            Fall = map.Read("fall", ScalarParsers.Int(1, int.MaxValue), defaults.Fall),
            Retry = map.Read("retry", ScalarParsers.Int(0, int.MaxValue), defaults.Retry),
            RetryDelay = map.Read("retryDelay", ScalarParsers.Duration(TimeSpan.Zero, TimeSpan.FromHours(1)), defaults.RetryDelay),
            OnFailure = map.Read("onFailure", ScalarParsers.FailureActions.Parse, defaults.OnFailure),
            Command = map.ReadOrNull("command", ScalarParsers.NonEmpty),
            Port = map.ReadOptional("port", PortNumber),
            Send = map.ReadOrNull("send", ScalarParsers.NonEmpty),
            Expect = map.ReadOrNull("expect", ScalarParsers.NonEmpty),
            HalfOpen = map.Read("halfOpen", ScalarParsers.Bool, defaults.HalfOpen),
            Digest = map.ReadOrNull("digest", ParseDigest),
            Sni = map.ReadOrNull("sni", ScalarParsers.NonEmpty),
            TlsVerify = map.Read("tlsVerify", ScalarParsers.Bool, defaults.TlsVerify),
            DynamicWeight = map.Read("dynamicWeight", ScalarParsers.Bool, defaults.DynamicWeight),
            AgentProtocol = map.Read("agentProtocol", ScalarParsers.AgentProtocols.Parse, defaults.AgentProtocol),
            SourceAddress = map.ReadOrNull("sourceAddress", ScalarParsers.IpAddress),
            Urls = map.ReadList("urls", item => ReadUrl(YamlMap.Open(item, diagnostics, UrlKeys))),
        };
    }

    private static HttpUrlConfig ReadUrl(YamlMap? map)
    {
        var defaults = new HttpUrlConfig();
        if (map is null)
        {
            return defaults;
        }

        var statuses = map.List("expectStatus", ScalarParsers.Status, new StatusCodeRange(0, 0));
        return new HttpUrlConfig
        {
            Path = map.Require("path", ParseHttpPath, defaults.Path),
            ExpectStatus = statuses.Count > 0 ? statuses : defaults.ExpectStatus,
            Digest = map.ReadOrNull("digest", ParseDigest),
            BodyRegex = map.ReadOrNull("bodyRegex", ScalarParsers.NonEmpty),
        };
    }

    private static Parsed<string> ParseDigest(string text) =>
        text.Length is 32 or 64 && text.All(char.IsAsciiHexDigit)
            ? text.ToLowerInvariant()
            : new ParseError($"expected 32 (MD5) or 64 (SHA-256) hex digits, got '{text}'");

    private static Parsed<string> ParseHttpPath(string text) =>
        text.StartsWith('/') ? text : new ParseError($"expected a path starting with '/', got '{text}'");

    private static SorryServerConfig? ReadSorryServer(YamlMap? map, int servicePort) =>
        map is null
            ? null
            : new SorryServerConfig(
                map.Require("address", ScalarParsers.IpAddress, IPAddress.None),
                map.Read("port", PortNumber, servicePort));

    private RealServerConfig? ReadRealServer(ListItem item, int servicePort)
    {
        var map = YamlMap.Open(item, diagnostics, RealServerKeys);
        if (map is null)
        {
            return null;
        }

        return new RealServerConfig
        {
            Address = map.Require("address", ScalarParsers.IpAddress, IPAddress.None),
            Port = map.Read("port", PortNumber, servicePort),
            Weight = map.Read("weight", PortOrWeight, RealServerDefaults.Weight),
            Forwarding = map.ReadOptional("forwarding", ScalarParsers.ForwardingMethods.Parse),
            NotifyUp = map.ReadOrNull("notifyUp", ScalarParsers.NonEmpty),
            NotifyDown = map.ReadOrNull("notifyDown", ScalarParsers.NonEmpty),
            OnFailure = map.ReadOptional("onFailure", ScalarParsers.FailureActions.Parse),
            // Absent (or null): the service's check; a list, even empty, replaces it.
            HealthChecks = map.Node("healthChecks") is null
                ? null
                : map.ReadList("healthChecks", item => ReadHealthCheck(YamlMap.Open(item, diagnostics, HealthCheckKeys))),
        };
    }
}
