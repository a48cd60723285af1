using System.Globalization;
using static HaDirector.Director.Import.YamlOut;

namespace HaDirector.Director.Import;

public sealed partial class KeepalivedImporter
{
    // keepalived's defaults (check_api.c, check_parser.c): delay_loop 60 s, connect_timeout 5 s, one retry
    // (none for MISC_CHECK) 1 s apart.
    private static readonly TimeSpan DefaultDelayLoop = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultDelayBeforeRetry = TimeSpan.FromSeconds(1);

    private (Map Map, List<Map> Checks, bool Inhibit)? RealServer(KeepalivedNode node, Timing serviceTiming, string forwarding, int? servicePort, bool inhibit)
    {
        if (node.Arg(0) is not { } addressText || ParseAddress(addressText) is not { Prefix: null } address)
        {
            Error(node.Location, node.Keyword, $"'{node.Arg(0)}' is not an address");
            return null;
        }
        int? port = null;
        if (node.Arg(1) is { } portText)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
            {
                Error(node.Location, node.Keyword, $"'{portText}' is not a port");
                return null;
            }
            port = p;
        }

        var map = new Map().Add("address", Scalar.Str(address.Address.ToString()), Loc(node));
        var rsForwarding = forwarding;
        var timing = new Timing();
        var checkers = new List<KeepalivedNode>();
        var rest = new Map();
        foreach (var child in node.Children ?? [])
        {
            switch (child.Keyword)
            {
                case "weight" when Integer(child) is { } weight:
                    rest.Add("weight", Scalar.Number(weight), Loc(child));
                    break;
                case "lvs_method":
                    rsForwarding = Forwarding(child);
                    if (rsForwarding != forwarding)
                    {
                        rest.Add("forwarding", Scalar.Str(rsForwarding), Loc(child));
                    }
                    break;
                case "inhibit_on_failure":
                    inhibit = !child.Args.Contains("false", StringComparer.Ordinal);
                    break;
                case "notify_up":
                    rest.Add("notifyUp", Scalar.Str(string.Join(' ', child.Args)), Loc(child));
                    break;
                case "notify_down":
                    rest.Add("notifyDown", Scalar.Str(string.Join(' ', child.Args)), Loc(child));
                    break;
                case "delay_loop" or "connect_timeout" or "retry" or "nb_get_retry" or "delay_before_retry" or "virtualhost":
                    timing.Set(child, this);
                    break;
                case "TCP_CHECK" or "HTTP_GET" or "SSL_GET" or "MISC_CHECK":
                    checkers.Add(child);
                    break;
                case "SMTP_CHECK" or "DNS_CHECK" or "BFD_CHECK" or "PING_CHECK" or "UDP_CHECK" or "FILE_CHECK":
                    rest.Note(Warn(child, "not carried over: HaDirector has no such check; a MISC_CHECK-like exec check (type: exec, with HADIRECTOR_RS_ADDRESS and HADIRECTOR_RS_PORT) can run an equivalent test"));
                    break;
                default:
                    rest.Note(Warn(child, "not carried over: no HaDirector equivalent"));
                    break;
            }
        }

        // DR and TUN cannot rewrite the port: IPVS sends to the service port whatever keepalived gave it, while
        // keepalived's checks probe the real server's port; keep that for the checks.
        int? checkPort = null;
        if (port is { } rsPort && servicePort is { } vsPort && rsPort != vsPort)
        {
            if (rsForwarding == "nat")
            {
                map.Add("port", Scalar.Number(rsPort), Loc(node));
            }
            else
            {
                checkPort = rsPort;
                map.Note(Warn(node, $"port {rsPort}: {rsForwarding} forwarding cannot rewrite the port (IPVS sends to {vsPort}); the checks keep probing {rsPort}"));
            }
        }
        else if (port is { } fwmarkPort and > 0 && servicePort is null)
        {
            if (rsForwarding == "nat")
            {
                map.Add("port", Scalar.Number(fwmarkPort), Loc(node));
            }
            else
            {
                // check_data.c: "fwmark virtual server ..., real server ... has port specified - port will be ignored"
                // (or "- clearing"): keepalived gives IPVS port 0 (ipvswrapper.c), as ipvsadm does for a fwmark service;
                // its checkers keep the port written, so the checks here probe it.
                checkPort = fwmarkPort;
                map.Note(Explain(node, $"port {fwmarkPort} not in IPVS, as keepalived: {rsForwarding} forwarding of a firewall-mark service leaves the port as the client sent it (the destination's port is 0); the checks keep probing {fwmarkPort}"));
            }
        }
        foreach (var entry in rest.Entries.Where(e => e.Key is not null))
        {
            map.Entries.Add(entry);
        }
        foreach (var note in rest.Entries.Where(e => e.Key is null))
        {
            map.Entries.Add(note);
        }

        var merged = timing.Over(serviceTiming);
        var checks = new List<Map>();
        foreach (var checker in checkers)
        {
            checks.Add(Check(checker, merged, checkPort, address.Address.ToString()));
        }
        return (map, checks, inhibit);
    }

    private Map Check(KeepalivedNode node, Timing inherited, int? port, string address)
    {
        var type = node.Keyword switch
        {
            "TCP_CHECK" => "tcp",
            "HTTP_GET" => "http",
            "SSL_GET" => "https",
            _ => "exec",
        };
        var timing = new Timing();
        var urls = new List<Map>();
        var other = new Map();
        var notes = new List<string>();
        var misc = type == "exec";
        foreach (var child in node.Children ?? [])
        {
            switch (child.Keyword)
            {
                case "delay_loop" or "connect_timeout" or "retry" or "nb_get_retry" or "delay_before_retry" or "virtualhost" or "misc_timeout":
                    timing.Set(child, this);
                    break;
                case "connect_port" when Integer(child) is { } p:
                    port = (int)p;
                    other.Add("port", Scalar.Number(p), Loc(child));
                    break;
                case "connect_ip":
                    if (child.Arg(0) is { } ip && ParseAddress(ip) is { } a && a.Address.ToString() != address)
                    {
                        notes.Add(Warn(child, $"not carried over: HaDirector probes the real server's own address ({address}), not {a.Address}"));
                    }
                    break;
                case "bind_to":
                    other.Add("sourceAddress", Scalar.Str(child.Arg(0) ?? ""), Loc(child));
                    break;
                case "url":
                    urls.Add(Url(child, notes));
                    break;
                case "misc_path":
                    other.Add("command", Scalar.Str(string.Join(' ', child.Args)), Loc(child));
                    break;
                case "misc_dynamic":
                    other.Add("dynamicWeight", Scalar.Bool(true), Loc(child));
                    break;
                case "enable_sni":
                    break; // HaDirector sends the Host header's name as SNI always
                default:
                    notes.Add(Warn(child, "not carried over: no HaDirector equivalent"));
                    break;
            }
        }

        var t = timing.Over(inherited);
        var interval = t.DelayLoop?.Value ?? DefaultDelayLoop;
        var timeout = misc ? t.MiscTimeout?.Value ?? interval : t.ConnectTimeout?.Value ?? DefaultConnectTimeout;
        var timeoutComment = misc
            ? t.MiscTimeout?.Comment ?? "keepalived's default misc_timeout: the delay_loop"
            : t.ConnectTimeout?.Comment ?? "keepalived's default connect_timeout";
        if (timeout >= interval)
        {
            var shorter = interval > TimeSpan.FromSeconds(1) ? interval - TimeSpan.FromSeconds(1) : interval / 2;
            notes.Add(Warn(node, $"timeout {DurationText(timeout)} is not shorter than the interval {DurationText(interval)}, as HaDirector needs: {DurationText(shorter)}"));
            timeout = shorter;
        }
        var retry = (int)(t.Retry?.Value ?? (misc ? 0 : 1));
        var retryDelay = t.DelayBeforeRetry?.Value ?? DefaultDelayBeforeRetry;
        var fall = 1;
        if (retry > 0 && timeout * (retry + 1) + retryDelay * retry > interval)
        {
            // docs/migrating-from-keepalived.md, "Detection time": the same detection time counted in rounds.
            var extra = (retry * (retryDelay + timeout)).TotalMilliseconds;
            fall = 1 + (int)Math.Ceiling(extra / interval.TotalMilliseconds);
            notes.Add(Warn(node, $"{retry} retries of {DurationText(timeout)} every {DurationText(retryDelay)} do not fit in one {DurationText(interval)} round: retry 0 and fall {fall} instead, about the same time to take a dead server out"));
            retry = 0;
        }

        var map = new Map();
        foreach (var note in notes)
        {
            map.Note(note);
        }
        map.Add("type", Scalar.Str(type), Loc(node));
        if (urls.Count == 1)
        {
            foreach (var entry in urls[0].Entries)
            {
                map.Entries.Add(entry);
            }
        }
        else if (urls.Count > 1)
        {
            var seq = new Seq();
            foreach (var url in urls)
            {
                seq.Add(url);
            }
            map.Add("urls", seq);
        }
        if (type is "http" or "https" && t.VirtualHost is { } host)
        {
            map.Add("host", Scalar.Str(host.Text), host.Comment);
        }
        // Order of docs/configuration.md: expectStatus and bodyRegex follow host.
        MoveToEnd(map, "expectStatus");
        MoveToEnd(map, "bodyRegex");
        map.Add("interval", Scalar.Duration(interval), t.DelayLoop?.Comment ?? "keepalived's default delay_loop");
        map.Add("timeout", Scalar.Duration(timeout), timeoutComment);
        map.Add("rise", Scalar.Number(1), "keepalived: one success brings a server back");
        map.Add("fall", Scalar.Number(fall), fall == 1 ? "keepalived: a failed check (after its retries) takes it out" : "retries as rounds (see the note above)");
        if (retry > 0)
        {
            map.Add("retry", Scalar.Number(retry), t.Retry?.Comment ?? "keepalived's default");
            map.Add("retryDelay", Scalar.Duration(retryDelay), t.DelayBeforeRetry?.Comment ?? "keepalived's default delay_before_retry");
        }
        foreach (var key in new[] { "command", "port", "digest", "sourceAddress" })
        {
            MoveToEnd(map, key, other);
        }
        if (port is { } p2 && !map.Has("port"))
        {
            map.Add("port", Scalar.Number(p2), "the real_server's port: keepalived's checks probe it (IPVS forwards DR and TUN to the port the client chose)");
        }
        if (type == "https")
        {
            map.Add("tlsVerify", Scalar.Bool(false), "keepalived's SSL_GET does not verify certificates");
        }
        MoveToEnd(map, "dynamicWeight", other);
        return map;
    }

    private static void MoveToEnd(Map map, string key, Map? from = null)
    {
        var source = from ?? map;
        var index = source.Entries.FindIndex(e => e.Key == key);
        if (index >= 0)
        {
            var entry = source.Entries[index];
            source.Entries.RemoveAt(index);
            map.Entries.Add(entry);
        }
    }

    private Map Url(KeepalivedNode node, List<string> notes)
    {
        var map = new Map();
        foreach (var child in node.Children ?? [])
        {
            switch (child.Keyword)
            {
                case "path":
                    map.Add("path", Scalar.Str(child.Arg(0) ?? "/"), Loc(child));
                    break;
                case "status_code":
                    var codes = new Seq();
                    foreach (var code in child.Args)
                    {
                        codes.Add(new Scalar(code.All(ch => char.IsAsciiDigit(ch) || ch == '-') ? code : Scalar.Str(code).Text));
                    }
                    map.Add("expectStatus", codes, Loc(child));
                    break;
                case "digest":
                    map.Add("digest", Scalar.Str((child.Arg(0) ?? "").ToLowerInvariant()), Loc(child));
                    break;
                case "regex":
                    map.Add("bodyRegex", Scalar.Str(child.Arg(0) ?? ""), Loc(child));
                    notes.Add(Warn(child, "a POSIX extended regular expression, now read as a .NET one: the common syntax means the same, check classes such as [[:digit:]]"));
                    break;
                default:
                    notes.Add(Warn(child, "not carried over: no HaDirector equivalent"));
                    break;
            }
        }
        // expectStatus and digest after path, as in the documented order
        MoveToEnd(map, "digest");
        return map;
    }

    /// <summary>The checker settings keepalived lets a real_server and a virtual_server give their checkers.</summary>
    private sealed class Timing
    {
        public (TimeSpan Value, string Comment)? DelayLoop { get; private set; }
        public (TimeSpan Value, string Comment)? ConnectTimeout { get; private set; }
        public (TimeSpan Value, string Comment)? MiscTimeout { get; private set; }
        public (long Value, string Comment)? Retry { get; private set; }
        public (TimeSpan Value, string Comment)? DelayBeforeRetry { get; private set; }
        public (string Text, string Comment)? VirtualHost { get; private set; }

        public void Set(KeepalivedNode node, KeepalivedImporter importer)
        {
            var comment = $"{node.Keyword} ({node.Location})";
            switch (node.Keyword)
            {
                case "delay_loop" when importer.Seconds(node) is { } s:
                    DelayLoop = (s, comment);
                    break;
                case "connect_timeout" when importer.Seconds(node) is { } s:
                    ConnectTimeout = (s, comment);
                    break;
                case "misc_timeout" when importer.Seconds(node) is { } s:
                    MiscTimeout = (s, comment);
                    break;
                case "retry" or "nb_get_retry" when importer.Integer(node) is { } n:
                    Retry = (n, comment);
                    break;
                case "delay_before_retry" when importer.Seconds(node) is { } s:
                    DelayBeforeRetry = (s, comment);
                    break;
                case "virtualhost" when node.Arg(0) is { } host:
                    VirtualHost = (host, comment);
                    break;
            }
        }

        /// <summary>These settings, each falling back to the outer block's.</summary>
        public Timing Over(Timing outer) => new()
        {
            DelayLoop = DelayLoop ?? outer.DelayLoop,
            ConnectTimeout = ConnectTimeout ?? outer.ConnectTimeout,
            MiscTimeout = MiscTimeout ?? outer.MiscTimeout,
            Retry = Retry ?? outer.Retry,
            DelayBeforeRetry = DelayBeforeRetry ?? outer.DelayBeforeRetry,
            VirtualHost = VirtualHost ?? outer.VirtualHost,
        };
    }
}
