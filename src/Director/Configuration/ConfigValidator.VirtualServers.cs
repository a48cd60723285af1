using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Configuration;

internal sealed partial class ConfigValidator
{
    private const string Servers = "virtualServers";

    private static readonly HealthCheckType[] HttpChecks = [HealthCheckType.Http, HealthCheckType.Https];

    /// <summary>The health-check keys that only some check types use.</summary>
    private static readonly Dictionary<string, HealthCheckType[]> UsedBy = new(StringComparer.Ordinal)
    {
        ["path"] = [.. HttpChecks, HealthCheckType.Agent],
        ["host"] = [.. HttpChecks, HealthCheckType.Agent],
        ["expectStatus"] = HttpChecks,
        ["bodyRegex"] = HttpChecks,
        ["digest"] = HttpChecks,
        ["command"] = [HealthCheckType.Exec],
        ["dynamicWeight"] = [HealthCheckType.Exec],
        ["send"] = [HealthCheckType.Tcp],
        ["expect"] = [HealthCheckType.Tcp],
        ["halfOpen"] = [HealthCheckType.Tcp],
        ["sni"] = [HealthCheckType.Https],
        ["tlsVerify"] = [HealthCheckType.Https],
        ["agentProtocol"] = [HealthCheckType.Agent],
        ["sourceAddress"] = [HealthCheckType.Tcp, HealthCheckType.Http, HealthCheckType.Https, HealthCheckType.Agent],
        ["urls"] = HttpChecks,
    };

    /// <summary>The check-level keys of the one URL that <c>urls</c> replaces.</summary>
    private static readonly string[] UrlLevelKeys = ["path", "expectStatus", "digest", "bodyRegex"];

    // Every instance's virtual addresses, gathered on first use.
    private HashSet<System.Net.IPAddress>? _knownVirtualAddresses;

    private void ValidateVirtualServers()
    {
        var servers = config.VirtualServers;
        for (var i = 0; i < servers.Count; i++)
        {
            var path = FieldPath.Item(Servers, i);
            if (Usable(path))
            {
                ValidateService(servers[i], path);
                ValidateSchedulerFlags(servers[i], path);
                ValidateHealthCheck(servers[i].HealthCheck, FieldPath.Child(path, "healthCheck"));
                ValidateRealServers(servers[i], path);
            }
        }

        ReportRepeats(servers, Servers, "name", ["name"], x => x.Name, (x, first) => $"name '{x.Name}' is already used by {FieldPath.Parent(first)}");
        ReportRepeats(
            servers,
            Servers,
            null,
            ["vip", "port", "protocol", "fwmark"],
            x => x.FirewallMark is { } mark ? (object)mark : x.Vip is null || x.Port is null ? null : (x.Vip, x.Port.Value, x.Protocol),
            (x, first) => $"{Describe(x)} is already served by {first}");
    }

    private static string Describe(VirtualServerConfig server) =>
        server.FirewallMark is { } mark
            ? $"fwmark {mark}"
            : $"{ScalarParsers.Protocols.Name(server.Protocol)} {new System.Net.IPEndPoint(server.Vip ?? System.Net.IPAddress.Any, server.Port ?? 0)}";

    private void ValidateService(VirtualServerConfig server, string path)
    {
        if (server.Family is { } family && server.Vip is { } vip && vip.AddressFamily != family && Usable(FieldPath.Child(path, "family"), FieldPath.Child(path, "vip")))
        {
            diagnostics.Report(
                FieldPath.Child(path, "family"),
                $"{ScalarParsers.Families.Name(family)} does not match vip {vip} ({FamilyName(vip.AddressFamily)}); family is for fwmark services, a vip service has its vip's");
        }

        if (server.FirewallMark is not null)
        {
            if (server.Vip is not null || server.Port is not null)
            {
                diagnostics.Report(FieldPath.Child(path, "fwmark"), "fwmark replaces vip and port; give one or the other");
            }

            return;
        }

        if (server.Vip is null && Usable(FieldPath.Child(path, "vip")))
        {
            diagnostics.Report(FieldPath.Child(path, "vip"), "missing required key 'vip' (or give fwmark)");
        }

        if (server.Port is null && Usable(FieldPath.Child(path, "port")))
        {
            diagnostics.Report(FieldPath.Child(path, "port"), "missing required key 'port' (or give fwmark)");
        }

        if (server.Port == 0 && server.Persistence == TimeSpan.Zero && Usable(FieldPath.Child(path, "port"), FieldPath.Child(path, "persistence")))
        {
            // IPVS accepts port 0 only for persistent services: it means "every port of the VIP".
            diagnostics.Report(FieldPath.Child(path, "port"), "port 0 (every port) needs persistence");
        }

        // With errors in the instances' addresses the list is incomplete: a missing match would only be a guess.
        // Other mistakes in an instance (a bad vrid, an unknown key) leave its addresses trustworthy.
        if (server.Vip is not null && !KnownVirtualAddresses().Contains(server.Vip) && VirtualAddressesComplete()
            && Usable(FieldPath.Child(path, "vip")))
        {
            var known = config.Vrrp.Instances.Count == 0
                ? "there are no VRRP instances" + (config.Announce is null ? "" : " and it is not in announce.vips")
                : "instances: " + string.Join(", ", config.Vrrp.Instances.Select(x => $"{x.Name} {new ValueList<VirtualAddress>(x.HeldAddresses)}"));
            diagnostics.Report(FieldPath.Child(path, "vip"), $"{server.Vip} is not a virtual address of any VRRP instance ({known})");
        }
    }

    /// <summary>Every instance's virtual addresses (excluded ones too), gathered once rather than searched for each virtual server.</summary>
    private HashSet<System.Net.IPAddress> KnownVirtualAddresses() =>
        _knownVirtualAddresses ??= [.. config.Vrrp.Instances.SelectMany(x => x.HeldAddresses).Select(a => a.Address),
            .. config.Announce?.Vips.Select(v => v.Address) ?? []];

    private bool VirtualAddressesComplete() =>
        !diagnostics.HasBroken
        || (Usable("vrrp", "vrrp.instances") && Usable("announce", "announce.vips")
            && !Enumerable.Range(0, config.Vrrp.Instances.Count)
                .Any(i => diagnostics.IsBrokenWithin(FieldPath.Child(FieldPath.Item("vrrp.instances", i), "virtualAddresses"))
                    || diagnostics.IsBrokenWithin(FieldPath.Child(FieldPath.Item("vrrp.instances", i), "excludedAddresses"))));

    /// <param name="ofServer">A real server's <c>healthChecks[]</c> entry: its failure action is the server's.</param>
    private void ValidateHealthCheck(HealthCheckConfig check, string path, bool ofServer = false)
    {
        string Key(string key) => FieldPath.Child(path, key);
        if (ofServer && diagnostics.GivenEntries(path).Any(e => e.Key == "onFailure"))
        {
            // keepalived's inhibit_on_failure is a real_server keyword: one server cannot be both removed and kept.
            diagnostics.Report(Key("onFailure"), "is per real server, not per check: move it up to the real server (realServers[].onFailure)");
        }

        ValidateUrls(check, path);
        if (check.Timeout >= check.Interval && Usable(Key("interval"), Key("timeout")))
        {
            diagnostics.Report(Key("timeout"), $"must be shorter than interval ({DurationText.Format(check.Interval)}), got {DurationText.Format(check.Timeout)}");
        }

        // Every attempt may take the whole timeout: a round that cannot end before the next is due overlaps it.
        var round = (check.Timeout * (check.Retry + 1)) + (check.RetryDelay * check.Retry);
        if (check.Retry > 0 && round > check.Interval && Usable(Key("retry"), Key("interval")) && Usable(Key("timeout"), Key("retryDelay")))
        {
            diagnostics.Report(
                Key("retry"),
                $"{check.Retry} retries cannot fit in interval {DurationText.Format(check.Interval)}: with timeout {DurationText.Format(check.Timeout)} and "
                + $"retryDelay {DurationText.Format(check.RetryDelay)} a failing round takes up to {DurationText.Format(round)}; "
                + "lower retry, timeout or retryDelay, or raise interval");
        }

        if (check.Type == HealthCheckType.Exec && check.Command is null && Usable(Key("type"), Key("command")))
        {
            diagnostics.Report(Key("command"), "an exec check needs a command");
        }

        if (check.Type == HealthCheckType.Agent && check.Port is null && Usable(Key("type"), Key("port")))
        {
            // The service's own port speaks the service's protocol, not the agent's.
            diagnostics.Report(Key("port"), "an agent check needs the agent's port");
        }

        if (check.Digest is not null && check.BodyRegex is not null && Usable(Key("digest"), Key("bodyRegex")))
        {
            diagnostics.Report(Key("digest"), "give bodyRegex or digest, not both");
        }

        // A half-open check never completes the handshake, so it has no connection to send on or read from.
        foreach (var (key, given) in new[] { ("send", check.Send), ("expect", check.Expect) })
        {
            if (check.HalfOpen && given is not null && Usable(Key(key), Key("halfOpen")))
            {
                diagnostics.Report(Key(key), "cannot be used with halfOpen: a half-open check sends a SYN and never connects");
            }
        }

        // A key the check type ignores is most often a wrong type: say so instead of probing the wrong way.
        // Only the keys the file gives are looked at (usually one or two), not every key of the list.
        foreach (var entry in diagnostics.GivenEntries(path))
        {
            if (UsedBy.TryGetValue(entry.Key, out var types) && !types.Contains(check.Type) && Usable(Key(entry.Key), Key("type")))
            {
                diagnostics.Report(
                    Key(entry.Key),
                    $"only used by {JoinNames(types)} checks; this check is {ScalarParsers.CheckTypes.Name(check.Type)}");
            }
        }

        foreach (var (key, pattern) in new[] { ("bodyRegex", check.BodyRegex), ("expect", check.Expect) })
        {
            if (pattern is not null && Usable(Key(key)) && !TryCompile(pattern, out var error))
            {
                diagnostics.Report(Key(key), $"does not compile: {error}");
            }
        }
    }

    private void ValidateUrls(HealthCheckConfig check, string path)
    {
        if (check.Urls.Count == 0)
        {
            return;
        }

        foreach (var entry in diagnostics.GivenEntries(path))
        {
            if (UrlLevelKeys.Contains(entry.Key))
            {
                diagnostics.Report(
                    FieldPath.Child(path, entry.Key),
                    $"cannot be used with urls: give it in each url (urls[].{entry.Key}), or drop urls for a single URL");
            }
        }

        var urls = FieldPath.Child(path, "urls");
        for (var i = 0; i < check.Urls.Count; i++)
        {
            var url = check.Urls[i];
            var item = FieldPath.Item(urls, i);
            if (url.Digest is not null && url.BodyRegex is not null && Usable(FieldPath.Child(item, "digest"), FieldPath.Child(item, "bodyRegex")))
            {
                diagnostics.Report(FieldPath.Child(item, "digest"), "give bodyRegex or digest, not both");
            }

            if (url.BodyRegex is not null && Usable(FieldPath.Child(item, "bodyRegex")) && !TryCompile(url.BodyRegex, out var error))
            {
                diagnostics.Report(FieldPath.Child(item, "bodyRegex"), $"does not compile: {error}");
            }
        }
    }

    /// <summary>"tcp, http and https": a list as a sentence says it.</summary>
    private static string JoinNames(HealthCheckType[] types)
    {
        var names = types.Select(ScalarParsers.CheckTypes.Name).ToArray();
        return names.Length == 1 ? names[0] : string.Join(", ", names[..^1]) + " and " + names[^1];
    }

    private void ValidateRealServers(VirtualServerConfig server, string path)
    {
        var realServers = FieldPath.Child(path, "realServers");
        ReportRepeats(
            server.RealServers,
            realServers,
            null,
            ["address", "port"],
            x => (x.Address, x.Port),
            (x, first) => $"{new System.Net.IPEndPoint(x.Address, x.Port)} is already listed at {first}");

        if (server.SorryServer is { } sorry)
        {
            ReportFamilyMismatch(server, sorry.Address, server.Forwarding, FieldPath.Child(FieldPath.Child(path, "sorryServer"), "address"), path);
        }

        for (var i = 0; i < server.RealServers.Count; i++)
        {
            var real = server.RealServers[i];
            var address = FieldPath.Child(FieldPath.Item(realServers, i), "address");
            ReportFamilyMismatch(server, real.Address, real.Forwarding ?? server.Forwarding, address, path);
            if (KnownVirtualAddresses().Contains(real.Address) && Usable(address))
            {
                // The director would forward the VIP's traffic to the VIP: to itself, or to its peer.
                diagnostics.Report(address, $"{real.Address} is a virtual address; a real server needs its own address");
            }

            if (real.HealthChecks is { } checks)
            {
                var list = FieldPath.Child(FieldPath.Item(realServers, i), "healthChecks");
                for (var j = 0; j < checks.Count; j++)
                {
                    ValidateHealthCheck(checks[j], FieldPath.Item(list, j), ofServer: true);
                }
            }

            var forwarding = real.Forwarding ?? server.Forwarding;

            // DR rewrites only the MAC and tunnelling only wraps the packet: neither can change the port.
            if (forwarding != IpvsForwardingMethod.Masquerade && server.Port is > 0 && real.Port != server.Port
                && FieldPath.Child(FieldPath.Item(realServers, i), "port") is var port && Usable(port, FieldPath.Child(path, "port")))
            {
                diagnostics.Report(
                    port,
                    $"{ScalarParsers.ForwardingMethods.Name(forwarding)} forwarding cannot change the port: must be the service port {server.Port}, got {real.Port}");
            }
        }
    }

    /// <summary>
    /// IPVS forwards to a destination of the other family only by tunnelling (ip_vs_ctl.c refuses the others):
    /// DR and NAT cannot put an IPv4 packet on an IPv6 next hop.
    /// </summary>
    private void ReportFamilyMismatch(VirtualServerConfig server, System.Net.IPAddress address, IpvsForwardingMethod forwarding, string field, string path)
    {
        var family = server.ServiceFamily;
        if (address.AddressFamily == family || forwarding == IpvsForwardingMethod.Tunnel
            || !Usable(field, FieldPath.Child(path, "vip")) || !Usable(FieldPath.Child(path, "family")))
        {
            return;
        }

        var why = server.Vip is not null
            ? $"vip {server.Vip} is {FamilyName(family)}"
            : server.Family is not null
                ? $"the service's family is {ScalarParsers.Families.Name(family)}"
                : $"the service's family is {ScalarParsers.Families.Name(family)} (its first real server's; set family)";
        diagnostics.Report(field, $"{address} is {FamilyName(address.AddressFamily)} but {why}; only tun forwarding mixes families");
    }

    private static string FamilyName(System.Net.Sockets.AddressFamily family) =>
        family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
}
