using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using HaDirector.HealthCheck.Probes;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Configuration;

/// <summary>Parsers for one YAML scalar each; their error messages read after <c>field.path: </c>.</summary>
internal static class ScalarParsers
{
    public static readonly YamlNames<IpvsProtocol> Protocols = new(("tcp", IpvsProtocol.Tcp), ("udp", IpvsProtocol.Udp), ("sctp", IpvsProtocol.Sctp));

    public static readonly YamlNames<IpvsForwardingMethod> ForwardingMethods = new(
        ("dr", IpvsForwardingMethod.DirectRoute), ("nat", IpvsForwardingMethod.Masquerade), ("tun", IpvsForwardingMethod.Tunnel));

    public static readonly YamlNames<HealthCheckType> CheckTypes = new(
        ("tcp", HealthCheckType.Tcp), ("http", HealthCheckType.Http), ("https", HealthCheckType.Https),
        ("exec", HealthCheckType.Exec), ("agent", HealthCheckType.Agent), ("none", HealthCheckType.None));

    public static readonly YamlNames<SchedulerFlag> SchedulerFlags = new(("mh-fallback", SchedulerFlag.MhFallback), ("mh-port", SchedulerFlag.MhPort));

    public static readonly YamlNames<FailureAction> FailureActions = new(("remove", FailureAction.Remove), ("inhibit", FailureAction.Inhibit));

    public static readonly YamlNames<AgentProtocol> AgentProtocols = new(("tcp", AgentProtocol.Tcp), ("http", AgentProtocol.Http));

    /// <summary>RFC 5798 with the pseudo-header (keepalived's default), or RFC 9568's reading without it for IPv4.</summary>
    public static readonly YamlNames<VrrpChecksumMode> ChecksumModes = new(("pseudoHeader", VrrpChecksumMode.PseudoHeader), ("rfc9568", VrrpChecksumMode.MessageOnly));

    /// <summary>Only the text password: keepalived's AH mode is not interoperable and not offered.</summary>
    public static readonly YamlNames<VrrpAuthType> AuthTypes = new(("pass", VrrpAuthType.SimpleText));

    public static readonly YamlNames<TrackerType> TrackerTypes = new(
        ("interface", TrackerType.Interface), ("script", TrackerType.Script), ("file", TrackerType.File),
        ("process", TrackerType.Process), ("virtualServer", TrackerType.VirtualServer));

    public static readonly YamlNames<AddressFamily> Families = new(("ipv4", AddressFamily.InterNetwork), ("ipv6", AddressFamily.InterNetworkV6));

    public static readonly YamlNames<LogFormat> LogFormats = new(("text", LogFormat.Text), ("json", LogFormat.Json));

    public static Func<string, Parsed<int>> Int(int min, int max) => text =>
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return new ParseError($"expected an integer, got '{text}'");
        }

        if (value < min || value > max)
        {
            return new ParseError(max == int.MaxValue
                ? $"must be at least {min}, got {value}"
                : $"must be {min}..{max}, got {value}");
        }

        return value;
    };

    public static Parsed<bool> Bool(string text) => text switch
    {
        "true" => true,
        "false" => false,
        _ => new ParseError($"expected true or false, got '{text}'"),
    };

    public static Parsed<string> NonEmpty(string text) =>
        text.Length == 0 ? new ParseError("must not be empty") : text;

    /// <summary>
    /// A network interface, by the rule a VIP's <c>dev</c> already had (<see cref="VirtualAddressRules.DeviceProblem"/>):
    /// the kernel refuses to look up a name over 15 bytes (ERANGE) instead of answering "no such device", which made a
    /// reload with one answer nothing and check-config end in an exception (bench/faults/reload-mutants, finding #10).
    /// </summary>
    public static Parsed<string> InterfaceName(string text) =>
        text.Length == 0 ? new ParseError("must not be empty")
        : VirtualAddressRules.DeviceProblem(text) is { } problem ? new ParseError(problem)
        : text;

    public static Func<string, Parsed<TimeSpan>> Duration(TimeSpan min, TimeSpan max) => text =>
    {
        var parsed = DurationText.Parse(text);
        if (parsed.Ok && (parsed.Value < min || parsed.Value > max))
        {
            return new ParseError(
                $"must be {DurationText.Format(min)}..{DurationText.Format(max)}, got {DurationText.Format(parsed.Value)}");
        }

        return parsed;
    };

    public static Parsed<IPAddress> Ipv4(string text) =>
        TryIpv4(text, out var address) ? address : new ParseError($"expected an IPv4 address like 10.0.0.1, got '{text}'");

    /// <summary>
    /// An IPv4 dotted quad or an IPv6 address in any RFC 4291 form (shown again in RFC 5952 form); no brackets,
    /// no zone: a real server, VIP or check target is reached by route, not through one link.
    /// </summary>
    public static Parsed<IPAddress> IpAddress(string text) =>
        TryIpv4(text, out var address) || TryIpv6(text, out address)
            ? address
            : new ParseError($"expected an IPv4 or IPv6 address like 10.0.0.1 or 2001:db8::1, got '{text}'");

    /// <summary>A VRRP virtual address of either family; without a prefix a host route (/32 or /128).</summary>
    public static Parsed<VirtualAddress> VirtualAddress(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!TryIpv4(addressText, out var address) && !TryIpv6(addressText, out address))
        {
            return new ParseError($"expected an address with an optional prefix like 10.0.0.1/32 or 2001:db8::1/128, got '{text}'");
        }

        var max = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var prefix = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max))
        {
            return new ParseError($"the prefix length of {address} must be 0..{max}, got '{text[(slash + 1)..]}'");
        }

        return new VirtualAddress(address, prefix);
    }

    /// <summary>
    /// A persistence netmask for a service of <paramref name="family"/>: contiguous ones, written as a mask
    /// (255.255.255.0, ffff:ffff:ffff:ffff::) or as a prefix length (24, /64; what ipvsadm -M takes for IPv6).
    /// IPVS keeps an IPv6 service's netmask as a prefix length 1..128 (ip_vs_ctl.c refuses 0). Contiguous, as IPVS
    /// applies it to the client address.
    /// </summary>
    public static Func<string, Parsed<IPAddress>> Netmask(AddressFamily family) => text =>
    {
        var v6 = family == AddressFamily.InterNetworkV6;
        var bits = v6 ? 128 : 32;
        var prefixText = text.StartsWith('/') ? text[1..] : text;
        if (int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            && prefix >= (v6 ? 1 : 0) && prefix <= bits)
        {
            return MaskOf(prefix, bits);
        }

        if ((v6 ? TryIpv6(text, out var mask) : TryIpv4(text, out mask)) && IsContiguous(mask.GetAddressBytes()))
        {
            return mask;
        }

        return new ParseError(v6
            ? $"expected an IPv6 prefix length 1..128 like 64, or a mask like ffff:ffff:ffff:ffff::, got '{text}'"
            : $"expected a netmask like 255.255.255.0 or a prefix length 0..32, got '{text}'");
    };

    public static Parsed<IPEndPoint> Endpoint(string text)
    {
        if (IPEndPoint.TryParse(text, out var endpoint)
            && endpoint.Port > 0
            && text.EndsWith($":{endpoint.Port}", StringComparison.Ordinal)
            && (endpoint.AddressFamily == AddressFamily.InterNetworkV6 || TryIpv4(text[..text.LastIndexOf(':')], out _)))
        {
            return endpoint;
        }

        return new ParseError($"expected an address and port like 127.0.0.1:9810 or [::1]:9810, or off, got '{text}'");
    }

    public static Parsed<StatusCodeRange> Status(string text)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var fromText = dash < 0 ? text : text[..dash];
        var toText = dash < 0 ? text : text[(dash + 1)..];
        if (!int.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            || !int.TryParse(toText, NumberStyles.None, CultureInfo.InvariantCulture, out var to)
            || from < 100 || to > 599 || from > to)
        {
            return new ParseError($"expected an HTTP status 100..599 or a range like 200-299, got '{text}'");
        }

        return new StatusCodeRange(from, to);
    }

    public static string OneOfMessage(string text, IReadOnlyList<string> names)
    {
        var closest = ClosestName.Find(text, names);
        var hint = closest is null ? "" : $"; did you mean '{closest}'?";
        return $"expected one of {string.Join(", ", names)}, got '{text}'{hint}";
    }

    /// <summary>
    /// VRRP's unicast peers and source: an IPv4 dotted quad or any IPv6 text (shown in RFC 5952 form from then on),
    /// without a zone: the instance's interface is the zone of a link-local peer.
    /// </summary>
    public static Parsed<IPAddress> VrrpAddress(string text) =>
        TryIpv4(text, out var address) || TryIpv6(text, out address)
            ? address
            : new ParseError(text.Contains('%', StringComparison.Ordinal)
                ? $"expected an address without a zone (the instance's interface is the zone), got '{text}'"
                : $"expected an IPv4 or IPv6 address like 10.0.0.1 or fe80::2, got '{text}'");

    private static IPAddress MaskOf(int prefix, int bits)
    {
        var bytes = new byte[bits / 8];
        for (var i = 0; i < bytes.Length; i++)
        {
            var ones = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] = (byte)(0xff00 >> ones);
        }

        return new IPAddress(bytes);
    }

    private static bool IsContiguous(byte[] mask)
    {
        var zero = false;
        foreach (var b in mask)
        {
            var ones = BitOperations.LeadingZeroCount((uint)(byte)~b) - 24;
            if ((zero && b != 0) || (byte)(0xff00 >> ones) != b)
            {
                return false;
            }

            zero |= ones < 8;
        }

        return true;
    }

    /// <summary>IPv6 text without brackets or zone; IPAddress.TryParse alone would also take an IPv4 form.</summary>
    private static bool TryIpv6(string text, out IPAddress address)
    {
        address = IPAddress.None;
        return text.Contains(':', StringComparison.Ordinal) && !text.Contains('%', StringComparison.Ordinal) && !text.Contains('[', StringComparison.Ordinal)
            && IPAddress.TryParse(text, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    /// <summary>A dotted quad written as it is printed (IPAddress.TryParse alone would take "10.1" or "1").</summary>
    private static bool TryIpv4(string text, out IPAddress address) =>
        IPAddress.TryParse(text, out address!) && address.AddressFamily == AddressFamily.InterNetwork && address.ToString() == text;
}
