using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.HealthCheck.Probes;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    /// <summary>The smallest valid file: one instance, nothing else.</summary>
    internal const string Minimal = """
        vrrp:
          instances:
            - name: web
              interface: eth0
              vrid: 51
              priority: 150
              virtualAddresses: [10.19.166.88/32]
        """;

    /// <summary>Broken files and the exact lines <c>hadirector check-config</c> prints for them.</summary>
    public static TheoryData<string, string, string[]> BrokenFiles => new()
    {
        {
            "unclosed quote",
            "vrrp: 'web\n",
            ["t.yaml:1:7: invalid YAML: While scanning a quoted scalar, found unexpected end of stream."]
        },
        {
            "mapping value in a plain scalar",
            "vrrp: a: b\n",
            ["t.yaml:1:8: invalid YAML: While scanning a plain scalar value, found invalid mapping."]
        },
        {
            "unclosed flow list",
            "vrrp:\n  instances: [a, b\n",
            ["t.yaml:3:1: invalid YAML: While parsing a flow sequence, did not find expected ',' or ']'."]
        },
        {
            // YamlDotNet 16.3 throws InvalidOperationException, without a mark, when a mapping follows the open list.
            "unclosed flow list before the next key",
            "vrrp:\n  instances: [a, b\nmetrics: {}\n",
            ["t.yaml:2:15: invalid YAML: an unclosed [ or { list"]
        },
        {
            // Found by bench/fuzz (config): YamlDotNet threw ArgumentException out of the loader.
            "tag that is not a URI",
            "!!!!!?!!+!!!!!! !!!!!!!-",
            ["t.yaml:1:1: invalid YAML: invalid tag: Global tags must be valid URIs. (Parameter 'value')"]
        },
        {
            // Found by bench/fuzz (config): YamlDotNet threw InvalidOperationException out of the loader.
            "text after the document end marker",
            "... x",
            ["t.yaml:1:1: invalid YAML: an unclosed [ or { list"]
        },
        {
            "duplicate key",
            Minimal + "\nvrrp: {}\n",
            ["t.yaml:8:1: invalid YAML: Duplicate key vrrp"]
        },
        {
            "empty file",
            "# nothing yet\n",
            ["t.yaml:1:1: t.yaml is empty; it needs at least a 'vrrp' section"]
        },
        {
            "root is a list",
            "- vrrp\n",
            ["t.yaml:1:1: expected a mapping of vrrp, virtualServers, metrics, control, ipvs, logging, announce, got a list"]
        },
        {
            "misspelt key",
            Minimal + "\n      advertIntervall: 1s\n",
            ["t.yaml:8:7: vrrp.instances[0].advertIntervall: unknown key 'advertIntervall'; did you mean 'advertInterval'? Valid keys: name, interface, vrid, priority, version, advertInterval, learnedIntervalLimit, preempt, preemptDelay, unicastPeers, unicastSource, virtualAddresses, excludedAddresses, garp, authentication, v3Checksum, track, notify, tableFailureWeight"]
        },
        {
            "unknown key with nothing close",
            Minimal + "\ncolour: red\n",
            ["t.yaml:8:1: colour: unknown key 'colour'; valid keys: vrrp, virtualServers, metrics, control, ipvs, logging, announce"]
        },
        {
            "takeover grace beyond a minute",
            Minimal + "\nipvs:\n  syncDaemon: { interface: eth1, takeoverGrace: 2m }\n",
            ["t.yaml:9:49: ipvs.syncDaemon.takeoverGrace: must be 0s..1m, got 2m"]
        },
        {
            "sync threshold at the SYN, which the kernel never announces",
            Minimal + "\nipvs:\n  syncDaemon: { interface: eth1, syncThreshold: 1 }\n",
            ["t.yaml:9:49: ipvs.syncDaemon.syncThreshold: must be 2..10000, got 1"]
        },
        {
            // bench/faults/reload-mutants finding #10: the kernel refused the lookup and a reload got no answer.
            "interface names longer than Linux allows",
            Minimal.Replace("interface: eth0", "interface: 99999999999999999999", StringComparison.Ordinal)
                + "\nipvs:\n  syncDaemon: { interface: averyveryverylongname0 }\n",
            [
                "t.yaml:4:18: vrrp.instances[0].interface: '99999999999999999999' is longer than an interface name can be (15 bytes)",
                "t.yaml:9:28: ipvs.syncDaemon.interface: 'averyveryverylongname0' is longer than an interface name can be (15 bytes)",
            ]
        },
        {
            "missing vrrp",
            "logging: { format: json }\n",
            ["t.yaml:1:1: vrrp: missing required key 'vrrp'"]
        },
        {
            "empty vrrp",
            "vrrp:\n",
            ["t.yaml:1:1: vrrp: missing required key 'vrrp'"]
        },
        {
            "vrrp without instances",
            "vrrp: {}\n",
            ["t.yaml:1:7: vrrp.instances: needs at least one instance"]
        },
        {
            "section of the wrong shape",
            "vrrp:\n  instances: web\n",
            ["t.yaml:2:14: vrrp.instances: expected a list, got 'web'"]
        },
        {
            "empty list items",
            Minimal + "\n      unicastPeers: [10.0.0.2, ~]\n    -\n    - { name: db, interface: eth0, vrid: 52, priority: 0, virtualAddresses: [10.0.0.9] }\n",
            [
                "t.yaml:8:32: vrrp.instances[0].unicastPeers[1]: empty list item",
                "t.yaml:9:6: vrrp.instances[1]: empty list item",
                "t.yaml:10:56: vrrp.instances[2].priority: must be 1..255, got 0",
            ]
        },
        {
            "missing required keys of an instance",
            "vrrp:\n  instances:\n    - vrid: 51\n",
            [
                "t.yaml:3:7: vrrp.instances[0].interface: missing required key 'interface'",
                "t.yaml:3:7: vrrp.instances[0].name: missing required key 'name'",
                "t.yaml:3:7: vrrp.instances[0].priority: missing required key 'priority'",
                "t.yaml:3:7: vrrp.instances[0].virtualAddresses: needs at least one address",
            ]
        },
        {
            "wrong types",
            Minimal + "\n      advertInterval: fast\n      preempt: yes\n      version: 4\n      unicastPeers: [10.1, 10.0.0.2]\n",
            [
                "t.yaml:8:23: vrrp.instances[0].advertInterval: expected a duration like 1s or 100ms, got 'fast'",
                "t.yaml:9:16: vrrp.instances[0].preempt: expected true or false, got 'yes'",
                "t.yaml:10:16: vrrp.instances[0].version: must be 2 or 3, got '4'",
                "t.yaml:11:22: vrrp.instances[0].unicastPeers[0]: expected an IPv4 or IPv6 address like 10.0.0.1 or fe80::2, got '10.1'",
            ]
        },
        {
            "bare number as a duration",
            Minimal + "\n      preemptDelay: 5\n",
            ["t.yaml:8:21: vrrp.instances[0].preemptDelay: expected a duration like 1s or 100ms, got '5' (a bare number has no unit: write 5s or 5ms)"]
        },
        {
            "out of range",
            """
            vrrp:
              instances:
                - name: web
                  interface: eth0
                  vrid: 256
                  priority: 0
                  preemptDelay: 2h
                  virtualAddresses: [10.19.166.88/33]
                  garp: { repeat: 101 }
            """,
            [
                "t.yaml:5:13: vrrp.instances[0].vrid: must be 1..255, got 256",
                "t.yaml:6:17: vrrp.instances[0].priority: must be 1..255, got 0",
                "t.yaml:7:21: vrrp.instances[0].preemptDelay: must be 0s..1h, got 2h",
                "t.yaml:8:26: vrrp.instances[0].virtualAddresses[0]: the prefix length of 10.19.166.88 must be 0..32, got '33'",
                "t.yaml:9:23: vrrp.instances[0].garp.repeat: must be 0..100, got 101",
            ]
        },
        {
            "VRRPv2 interval not whole seconds",
            Minimal + "\n      version: 2\n      advertInterval: 1500ms\n",
            ["t.yaml:9:23: vrrp.instances[0].advertInterval: VRRPv2 needs whole seconds 1s..255s, got 1.5s"]
        },
        {
            "VRRPv3 interval finer than a centisecond",
            Minimal + "\n      advertInterval: 15ms\n",
            ["t.yaml:8:23: vrrp.instances[0].advertInterval: VRRPv3 needs centisecond steps 10ms..40.95s, got 15ms"]
        },
        {
            "VRRPv3 interval beyond 12 bits",
            Minimal + "\n      advertInterval: 41s\n",
            ["t.yaml:8:23: vrrp.instances[0].advertInterval: VRRPv3 needs centisecond steps 10ms..40.95s, got 41s"]
        },
        {
            "authentication on VRRPv3",
            Minimal + "\n      authentication: { type: pass, password: secret }\n",
            ["t.yaml:8:23: vrrp.instances[0].authentication: authentication is VRRPv2 only (RFC 5798 removed it); this instance is version 3"]
        },
        {
            "password longer than 8",
            Minimal + "\n      version: 2\n      authentication: { type: pass, password: 123456789 }\n",
            ["t.yaml:9:47: vrrp.instances[0].authentication.password: must be 1..8 characters, got 9"]
        },
        {
            "unicast peer is a VIP",
            Minimal + "\n      unicastPeers: [10.0.0.2, 10.19.166.88]\n",
            ["t.yaml:8:32: vrrp.instances[0].unicastPeers[1]: 10.19.166.88 is a virtual address of instance 'web'; a peer is the other director's own address"]
        },
        {
            "duplicate instance name, VRID and address",
            Minimal + """

                - name: web
                  interface: eth0
                  vrid: 51
                  priority: 100
                  virtualAddresses: [10.19.166.88]
            """,
            [
                "t.yaml:8:13: vrrp.instances[1].name: name 'web' is already used by vrrp.instances[0]",
                "t.yaml:10:13: vrrp.instances[1].vrid: vrid 51 is already used on eth0 by vrrp.instances[0]",
                "t.yaml:12:26: vrrp.instances[1].virtualAddresses[0]: 10.19.166.88 is already a virtual address at vrrp.instances[0].virtualAddresses[0]",
            ]
        },
        {
            "unicast source is a VIP, checksum mode on VRRPv2",
            Minimal + "\n      version: 2\n      unicastSource: 10.19.166.88\n      v3Checksum: rfc9568\n",
            [
                "t.yaml:9:22: vrrp.instances[0].unicastSource: 10.19.166.88 is a virtual address of instance 'web'; the source is this director's own address",
                "t.yaml:10:19: vrrp.instances[0].v3Checksum: only used by VRRPv3; this instance is version 2",
            ]
        },
        {
            "broken key values are not reported again as repeats",
            Minimal + """

                - { name: db, vrid: 52, priority: 1, virtualAddresses: [10.0.0.1] }
                - { name: dc, vrid: 52, priority: 1, virtualAddresses: [10.0.0.2] }
            virtualServers:
              - name: web
                vip: 10.19.166.88
                port: 80
                realServers: [{ address: 10.0.0.300 }, { address: 10.0.0.301 }]
            """,
            [
                "t.yaml:8:7: vrrp.instances[1].interface: missing required key 'interface'",
                "t.yaml:9:7: vrrp.instances[2].interface: missing required key 'interface'",
                "t.yaml:14:30: virtualServers[0].realServers[0].address: expected an IPv4 or IPv6 address like 10.0.0.1 or 2001:db8::1, got '10.0.0.300'",
                "t.yaml:14:55: virtualServers[0].realServers[1].address: expected an IPv4 or IPv6 address like 10.0.0.1 or 2001:db8::1, got '10.0.0.301'",
            ]
        },
        {
            "metrics listen not an endpoint",
            Minimal + "\nmetrics: { listen: localhost }\n",
            ["t.yaml:8:20: metrics.listen: expected an address and port like 127.0.0.1:9810 or [::1]:9810, or off, got 'localhost'"]
        },
        {
            "relative control socket",
            Minimal + "\ncontrol: { socket: control.sock }\n",
            ["t.yaml:8:20: control.socket: expected an absolute path like /run/hadirector/control.sock, got 'control.sock'"]
        },
        {
            "unknown log format",
            Minimal + "\nlogging: { format: jsno }\n",
            ["t.yaml:8:20: logging.format: expected one of text, json, got 'jsno'; did you mean 'json'?"]
        },
        {
            "VIP of no instance, with unknown names",
            Minimal + """

            virtualServers:
              - name: db
                vip: 10.19.166.89
                port: 5432
                protocol: tpc
                scheduler: wlcc
                forwarding: direct
            """,
            [
                "t.yaml:10:10: virtualServers[0].vip: 10.19.166.89 is not a virtual address of any VRRP instance (instances: web [10.19.166.88/32])",
                "t.yaml:12:15: virtualServers[0].protocol: expected one of tcp, udp, sctp, got 'tpc'; did you mean 'tcp'?",
                "t.yaml:13:16: virtualServers[0].scheduler: expected one of rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos, got 'wlcc'; did you mean 'wlc'?",
                "t.yaml:14:17: virtualServers[0].forwarding: expected one of dr, nat, tun, got 'direct'",
            ]
        },
        {
            "VIP of no instance, reported even when an instance has an unrelated error",
            Minimal.Replace("vrid: 51", "vrid: 300", StringComparison.Ordinal) + """

            virtualServers:
              - name: db
                vip: 10.19.166.89
                port: 5432
            """,
            [
                "t.yaml:5:13: vrrp.instances[0].vrid: must be 1..255, got 300",
                "t.yaml:10:10: virtualServers[0].vip: 10.19.166.89 is not a virtual address of any VRRP instance (instances: web [10.19.166.88/32])",
            ]
        },
        {
            "health check contradictions",
            Minimal + """

            virtualServers:
              - name: web
                vip: 10.19.166.88
                port: 80
                healthCheck:
                  type: http
                  interval: 1s
                  timeout: 1s
                  rise: 0
                  fall: 0
                  bodyRegex: "([a-z]"
                  expectStatus: [200, 300-299]
            """,
            [
                "t.yaml:15:16: virtualServers[0].healthCheck.timeout: must be shorter than interval (1s), got 1s",
                "t.yaml:16:13: virtualServers[0].healthCheck.rise: must be at least 1, got 0",
                "t.yaml:17:13: virtualServers[0].healthCheck.fall: must be at least 1, got 0",
                "t.yaml:18:18: virtualServers[0].healthCheck.bodyRegex: does not compile: Invalid pattern '([a-z]' at offset 6. Not enough )'s.",
                "t.yaml:19:27: virtualServers[0].healthCheck.expectStatus[1]: expected an HTTP status 100..599 or a range like 200-299, got '300-299'",
            ]
        },
        {
            "exec check without a command",
            Minimal + "\nvirtualServers:\n  - { name: web, vip: 10.19.166.88, port: 80, healthCheck: { type: exec } }\n",
            ["t.yaml:9:60: virtualServers[0].healthCheck.command: an exec check needs a command"]
        },
        {
            "health check keys the type ignores",
            Minimal + """

            virtualServers:
              - name: web
                vip: 10.19.166.88
                port: 80
                healthCheck: { type: tcp, path: /health, command: /bin/true }
            """,
            [
                "t.yaml:12:37: virtualServers[0].healthCheck.path: only used by http, https and agent checks; this check is tcp",
                "t.yaml:12:55: virtualServers[0].healthCheck.command: only used by exec checks; this check is tcp",
            ]
        },
        {
            "real servers out of range and repeated",
            Minimal + """

            virtualServers:
              - name: web
                vip: 10.19.166.88
                port: 80
                realServers:
                  - { address: 10.19.166.119, weight: 70000 }
                  - { address: 10.19.166.119, port: 80 }
                  - { address: 10.19.166.84, port: 8080 }
                  - { address: 10.19.166.300 }
            """,
            [
                "t.yaml:13:43: virtualServers[0].realServers[0].weight: must be 0..65535, got 70000",
                "t.yaml:14:9: virtualServers[0].realServers[1]: 10.19.166.119:80 is already listed at virtualServers[0].realServers[0]",
                "t.yaml:15:40: virtualServers[0].realServers[2].port: dr forwarding cannot change the port: must be the service port 80, got 8080",
                "t.yaml:16:20: virtualServers[0].realServers[3].address: expected an IPv4 or IPv6 address like 10.0.0.1 or 2001:db8::1, got '10.19.166.300'",
            ]
        },
        {
            "service names, addresses and fwmark",
            Minimal + """

            virtualServers:
              - name: web
                vip: 10.19.166.88
                port: 80
              - name: web
                vip: 10.19.166.88
                port: 80
              - name: marked
                fwmark: 7
                port: 443
              - name: nothing
            """,
            [
                "t.yaml:12:5: virtualServers[1]: tcp 10.19.166.88:80 is already served by virtualServers[0]",
                "t.yaml:12:11: virtualServers[1].name: name 'web' is already used by virtualServers[0]",
                "t.yaml:16:13: virtualServers[2].fwmark: fwmark replaces vip and port; give one or the other",
                "t.yaml:18:5: virtualServers[3].port: missing required key 'port' (or give fwmark)",
                "t.yaml:18:5: virtualServers[3].vip: missing required key 'vip' (or give fwmark)",
            ]
        },
        {
            "several errors across the file, all reported in file order",
            """
            vrrp:
              instances:
                - name: web
                  interface: eth0
                  vrid: 51
                  priority: 300
                  version: 2
                  advertInterval: 100ms
                  virtualAddresses: [10.19.166.88/32]
            virtualServers:
              - name: web
                vip: 10.19.166.88
                port: 80
                persistense: 60s
                realServers:
                  - { address: 10.19.166.119, weight: -1 }
            metrics: { listen: 127.0.0.1 }
            """,
            [
                "t.yaml:6:17: vrrp.instances[0].priority: must be 1..255, got 300",
                "t.yaml:8:23: vrrp.instances[0].advertInterval: VRRPv2 needs whole seconds 1s..255s, got 100ms",
                "t.yaml:14:5: virtualServers[0].persistense: unknown key 'persistense'; did you mean 'persistence'? Valid keys: name, vip, port, protocol, fwmark, family, scheduler, schedulerFlags, forwarding, persistence, persistenceNetmask, onePacket, healthCheck, sorryServer, realServers",
                "t.yaml:16:43: virtualServers[0].realServers[0].weight: must be 0..65535, got -1",
                "t.yaml:17:20: metrics.listen: expected an address and port like 127.0.0.1:9810 or [::1]:9810, or off, got '127.0.0.1'",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void LoadFromText_BrokenFile_ReportsEveryErrorExactly(string name, string yaml, string[] expected)
    {
        _ = name; // only there to name the case in the test output
        var result = ConfigLoader.LoadFromText(yaml, "t.yaml");

        Assert.Null(result.Config);
        Assert.Equal(expected, result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void LoadFromText_BrokenFileOnTheParserThread_ReportsTheSameErrors(string name, string yaml, string[] expected)
    {
        _ = name;
        var result = ConfigLoader.LoadFromText(yaml, "t.yaml", parserThreadFrom: 0);

        Assert.Null(result.Config);
        Assert.Equal(expected, result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void LoadFromText_LargeFileWithBadVirtualServers_ReportsThemAsASmallFileWould()
    {
        var yaml = LargeFile(services: 800, broken: [3, 799]);

        var threaded = ConfigLoader.LoadFromText(yaml, "t.yaml");
        var serial = ConfigLoader.LoadFromText(yaml, "t.yaml", parserThreadFrom: int.MaxValue);

        Assert.True(yaml.Length >= ConfigYaml.ParserThreadFrom);
        Assert.Equal(serial.Errors.Select(e => e.ToString()), threaded.Errors.Select(e => e.ToString()));
        Assert.Equal(2, threaded.Errors.Count);
        Assert.Contains("virtualServers[3].port", threaded.Errors[0].ToString());
        Assert.Contains("virtualServers[799].port", threaded.Errors[1].ToString());
    }

    [Fact]
    public void LoadFromText_LargeFileBrokenAfterBadVirtualServers_ReportsOnlyTheYamlError()
    {
        // The early reads of the virtual servers found an error before the parser reached the broken line.
        var yaml = LargeFile(services: 800, broken: [3]) + "metrics: [unclosed\n";

        var result = ConfigLoader.LoadFromText(yaml, "t.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Contains("invalid YAML", error.Message);
    }

    [Fact]
    public void LoadFromText_LargeFile_LoadsEveryVirtualServerInOrder()
    {
        var result = ConfigLoader.LoadFromText(LargeFile(services: 800, broken: []), "t.yaml");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(800, result.Config!.VirtualServers.Count);
        Assert.Equal(Enumerable.Range(0, 800).Select(i => $"vs{i}"), result.Config.VirtualServers.Select(v => v.Name));
        Assert.All(result.Config.VirtualServers, v => Assert.Equal(3, v.RealServers.Count));
    }

    /// <summary>A file past the parser-thread size: services with three real servers, the given ones with a port out of range.</summary>
    private static string LargeFile(int services, int[] broken)
    {
        var text = new System.Text.StringBuilder(Minimal).Append("\nvirtualServers:\n");
        for (var i = 0; i < services; i++)
        {
            var port = broken.Contains(i) ? 70000 : 1000 + i;
            text.Append($"  - name: vs{i}\n    vip: 10.19.166.88\n    port: {port}\n    realServers:\n");
            for (var r = 1; r <= 3; r++)
            {
                text.Append($"      - {{ address: 10.100.{i % 250}.{r} }}\n");
            }
        }

        return text.ToString();
    }

    [Fact]
    public void LoadFromText_MinimalFile_AppliesEveryDefault()
    {
        var result = ConfigLoader.LoadFromText(Minimal, "t.yaml");

        Assert.Empty(result.Errors);
        var config = Assert.IsType<DirectorConfig>(result.Config);
        var instance = Assert.Single(config.Vrrp.Instances);
        Assert.Equal(
            new VrrpInstanceConfig
            {
                Name = "web",
                Interface = "eth0",
                VirtualRouterId = 51,
                Priority = 150,
                Version = 3,
                AdvertInterval = TimeSpan.FromSeconds(1),
                Preempt = true,
                PreemptDelay = TimeSpan.Zero,
                UnicastPeers = [],
                UnicastSource = null,
                VirtualAddresses = [new VirtualAddress(IPAddress.Parse("10.19.166.88"), 32)],
                Garp = new GarpConfig { Repeat = 5, Interval = TimeSpan.FromMilliseconds(100), Refresh = TimeSpan.Zero },
                Authentication = VrrpAuthentication.None,
                V3Checksum = VrrpChecksumMode.PseudoHeader,
            },
            instance);
        Assert.Empty(config.VirtualServers);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9810), config.Metrics.Listen);
        Assert.Equal("/run/hadirector/control.sock", config.Control.Socket);
        Assert.Equal(new IpvsConfig { WarmStandby = false, ReconcilePeriod = TimeSpan.FromSeconds(30), SyncDaemon = null }, config.Ipvs);
        Assert.Equal(LogFormat.Text, config.Logging.Format);
    }

    [Fact]
    public void LoadFromText_VirtualServerWithDefaults_FillsHealthCheckAndRealServerDefaults()
    {
        var yaml = Minimal + """

            virtualServers:
              - name: web
                vip: 10.19.166.88
                port: 80
                realServers:
                  - address: 10.19.166.119
            """;

        var server = Assert.Single(ConfigLoader.LoadFromText(yaml, "t.yaml").Config!.VirtualServers);

        Assert.Equal(
            new VirtualServerConfig
            {
                Name = "web",
                Vip = IPAddress.Parse("10.19.166.88"),
                Port = 80,
                Protocol = IpvsProtocol.Tcp,
                FirewallMark = null,
                Scheduler = "wlc",
                Forwarding = IpvsForwardingMethod.DirectRoute,
                Persistence = TimeSpan.Zero,
                PersistenceNetmask = IPAddress.Parse("255.255.255.255"),
                OnePacket = false,
                HealthCheck = new HealthCheckConfig
                {
                    Type = HealthCheckType.Tcp,
                    Path = "/",
                    Host = null,
                    ExpectStatus = [new StatusCodeRange(200, 299)],
                    BodyRegex = null,
                    Interval = TimeSpan.FromSeconds(2),
                    Timeout = TimeSpan.FromSeconds(1),
                    Rise = 2,
                    Fall = 3,
                    Retry = 0,
                    RetryDelay = TimeSpan.FromSeconds(1),
                    OnFailure = FailureAction.Remove,
                    Command = null,
                    Port = null,
                },
                SorryServer = null,
                RealServers = [new RealServerConfig { Address = IPAddress.Parse("10.19.166.119"), Port = 80, Weight = 1, Forwarding = null }],
            },
            server);
    }

    [Fact]
    public void LoadFromText_EveryFieldGiven_ParsesEachValue()
    {
        var yaml = """
            vrrp:
              instances:
                - name: db
                  interface: eth1
                  vrid: 7
                  priority: 255
                  version: 2
                  advertInterval: 3s
                  preempt: false
                  preemptDelay: 1.5s
                  unicastPeers: [192.0.2.2]
                  unicastSource: 192.0.2.1
                  virtualAddresses: [198.51.100.10/24, 198.51.100.11]
                  garp: { repeat: 2, interval: 250ms, refresh: 1m }
                  authentication: { type: pass, password: s3cret }
                - { name: v3, interface: eth1, vrid: 8, priority: 1, virtualAddresses: [198.51.100.20], v3Checksum: rfc9568 }
            virtualServers:
              - name: dns
                vip: 198.51.100.10
                port: 53
                protocol: udp
                scheduler: sh
                forwarding: nat
                persistence: 5m
                persistenceNetmask: 255.255.255.0
                onePacket: true
                healthCheck:
                  type: https
                  path: /healthz
                  host: dns.example
                  expectStatus: [200, "300-399"]
                  bodyRegex: "^ok$"
                  interval: 10s
                  timeout: 500ms
                  rise: 1
                  fall: 5
                  retry: 2
                  retryDelay: 100ms
                  onFailure: inhibit
                  port: 8443
                sorryServer: { address: 192.0.2.99 }
                realServers:
                  - { address: 192.0.2.10, port: 53, weight: 0, forwarding: tun }
              - name: marked
                fwmark: 4242
                healthCheck: { type: exec, command: /usr/local/bin/check }
            metrics: { listen: "[::1]:9100" }
            control: { socket: /tmp/hd.sock }
            ipvs:
              warmStandby: true
              reconcilePeriod: 1h
              expireNodestConn: false
              syncDaemon: { interface: eth1, syncId: 9, syncThreshold: 3 }
            logging: { format: json }
            """;

        var result = ConfigLoader.LoadFromText(yaml, "t.yaml");

        Assert.Empty(result.Errors);
        var config = result.Config!;
        var instance = config.Vrrp.Instances[0];
        Assert.Equal((7, 255, 2, TimeSpan.FromSeconds(3), false, TimeSpan.FromMilliseconds(1500)), (instance.VirtualRouterId, instance.Priority, instance.Version, instance.AdvertInterval, instance.Preempt, instance.PreemptDelay));
        Assert.Equal([IPAddress.Parse("192.0.2.2")], instance.UnicastPeers);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), instance.UnicastSource);
        Assert.Equal("[198.51.100.10/24, 198.51.100.11/32]", instance.VirtualAddresses.ToString());
        Assert.Equal(new GarpConfig { Repeat = 2, Interval = TimeSpan.FromMilliseconds(250), Refresh = TimeSpan.FromMinutes(1) }, instance.Garp);
        Assert.Equal(VrrpAuthentication.Password("s3cret"), instance.Authentication);
        Assert.Equal(VrrpChecksumMode.PseudoHeader, instance.V3Checksum);
        Assert.Equal(VrrpChecksumMode.MessageOnly, config.Vrrp.Instances[1].V3Checksum);

        var dns = config.VirtualServers[0];
        Assert.Equal((IpvsProtocol.Udp, "sh", IpvsForwardingMethod.Masquerade, TimeSpan.FromMinutes(5), "255.255.255.0", true), (dns.Protocol, dns.Scheduler, dns.Forwarding, dns.Persistence, dns.PersistenceNetmask.ToString(), dns.OnePacket));
        Assert.Equal(
            new HealthCheckConfig
            {
                Type = HealthCheckType.Https,
                Path = "/healthz",
                Host = "dns.example",
                ExpectStatus = [new StatusCodeRange(200, 200), new StatusCodeRange(300, 399)],
                BodyRegex = "^ok$",
                Interval = TimeSpan.FromSeconds(10),
                Timeout = TimeSpan.FromMilliseconds(500),
                Rise = 1,
                Fall = 5,
                Retry = 2,
                RetryDelay = TimeSpan.FromMilliseconds(100),
                OnFailure = FailureAction.Inhibit,
                Command = null,
                Port = 8443,
            },
            dns.HealthCheck);
        Assert.Equal(new SorryServerConfig(IPAddress.Parse("192.0.2.99"), 53), dns.SorryServer);
        Assert.Equal([new RealServerConfig { Address = IPAddress.Parse("192.0.2.10"), Port = 53, Weight = 0, Forwarding = IpvsForwardingMethod.Tunnel }], dns.RealServers);

        var marked = config.VirtualServers[1];
        Assert.Equal((4242u, (IPAddress?)null, (int?)null), (marked.FirewallMark!.Value, marked.Vip, marked.Port));
        Assert.Equal("/usr/local/bin/check", marked.HealthCheck.Command);

        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 9100), config.Metrics.Listen);
        Assert.Equal("/tmp/hd.sock", config.Control.Socket);
        Assert.Equal(new IpvsConfig { WarmStandby = true, ReconcilePeriod = TimeSpan.FromHours(1), ExpireNodestConn = false, SyncDaemon = new SyncDaemonConfig("eth1", 9, TimeSpan.FromSeconds(3), SyncThreshold: 3) }, config.Ipvs);
        Assert.Equal(LogFormat.Json, config.Logging.Format);
    }

    [Fact]
    public void LoadFromText_DesignDocumentExample_LoadsUnchanged()
    {
        // DESIGN.md §4 verbatim: the names users type may grow, never drift.
        const string design = """
            vrrp:
              instances:
                - name: web
                  interface: eth0
                  vrid: 51
                  priority: 150          # 1..254; 255 = address owner
                  version: 3             # 2 or 3
                  advertInterval: 1s     # v3: centisecond steps; v2: whole seconds
                  preempt: true
                  preemptDelay: 0s
                  unicastPeers: []       # empty: multicast 224.0.0.18
                  virtualAddresses: [10.19.166.88/32]
                  garp: { repeat: 5, interval: 100ms, refresh: 0s }
            virtualServers:
              - name: web
                vip: 10.19.166.88
                port: 80
                protocol: tcp
                scheduler: wlc
                forwarding: dr
                persistence: 0s
                healthCheck: { type: http, path: /, expectStatus: [200], interval: 2s, timeout: 1s, rise: 2, fall: 3, onFailure: remove }
                realServers:
                  - { address: 10.19.166.119, port: 80, weight: 2 }
                  - { address: 10.19.166.84,  port: 80, weight: 1 }
            metrics: { listen: 127.0.0.1:9810 }
            control: { socket: /run/hadirector/control.sock }
            """;

        var result = ConfigLoader.LoadFromText(design, "hadirector.yaml");

        Assert.Empty(result.Errors);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void LoadFromText_ThousandServices_ReadsEveryRealServer()
    {
        // The bench's shape (bench/Ipvs): one flow mapping per service, ten real servers each.
        var yaml = new System.Text.StringBuilder(Minimal + "\nvirtualServers:\n");
        for (var i = 0; i < 1000; i++)
        {
            var reals = string.Join(", ", Enumerable.Range(0, 10).Select(r => $"{{ address: 10.1.{r}.{i % 250}, port: {1000 + i}, weight: {r + 1} }}"));
            yaml.Append($"  - {{ name: vs{i}, vip: 10.19.166.88, port: {1000 + i}, healthCheck: {{ type: none }}, realServers: [{reals}] }}\n");
        }

        var config = ConfigLoader.LoadFromText(yaml.ToString(), "t.yaml").Config!;

        Assert.Equal(1000, config.VirtualServers.Count);
        Assert.Equal(10_000, config.VirtualServers.Sum(v => v.RealServers.Count));
        Assert.Equal(("vs999", 1999, 10), (config.VirtualServers[999].Name, config.VirtualServers[999].Port, config.VirtualServers[999].RealServers[9].Weight));
    }

    [Theory]
    [InlineData("metrics: { listen: off }")]
    [InlineData("metrics: { listen: }")]
    [InlineData("metrics: { listen: '' }")]
    public void LoadFromText_MetricsListenOffOrEmpty_DisablesMetrics(string metrics)
    {
        var result = ConfigLoader.LoadFromText(Minimal + "\n" + metrics + "\n", "t.yaml");

        Assert.Empty(result.Errors);
        Assert.Null(result.Config!.Metrics.Listen);
    }

    [Theory]
    [InlineData("ipvs:\n  syncDaemon: { interface: eth0 }", true)]
    [InlineData("ipvs:\n  reconcilePeriod: 10s", false)]
    [InlineData("ipvs:\n  syncDaemon: ~", false)]
    public void LoadFromText_WarmStandbyNotGiven_TrueExactlyWithASyncDaemon(string ipvs, bool expected)
    {
        // A keepalived user has the services on the backup, and a synced connection must survive lb1 -> lb2 -> lb1.
        var result = ConfigLoader.LoadFromText(Minimal + "\n" + ipvs + "\n", "t.yaml");

        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.Config!.Ipvs.WarmStandby);
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void LoadFromText_WarmStandbyGivenWithASyncDaemon_TheGivenValue(string value, bool expected)
    {
        var result = ConfigLoader.LoadFromText(
            Minimal + $"\nipvs:\n  warmStandby: {value}\n  syncDaemon: {{ interface: eth0 }}\n", "t.yaml");

        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.Config!.Ipvs.WarmStandby);
    }

    [Theory]
    [InlineData("lb1.yaml", 150)]
    [InlineData("lb2.yaml", 100)]
    public void Load_ExampleConfig_IsTheSeedClusterWithoutErrors(string file, int priority)
    {
        var path = Path.Combine(RepositoryRoot(), "deploy", "examples", file);

        var result = ConfigLoader.Load(path);

        Assert.Empty(result.Errors);
        var config = result.Config!;
        var instance = Assert.Single(config.Vrrp.Instances);
        Assert.Equal(("web", "eth0", 51, priority, 3, TimeSpan.FromSeconds(1)), (instance.Name, instance.Interface, instance.VirtualRouterId, instance.Priority, instance.Version, instance.AdvertInterval));
        var server = Assert.Single(config.VirtualServers);
        Assert.Equal(("10.19.166.88", 80, "wlc", IpvsForwardingMethod.DirectRoute, HealthCheckType.Http), (server.Vip!.ToString(), server.Port!.Value, server.Scheduler, server.Forwarding, server.HealthCheck.Type));
        Assert.Equal(
            ["10.19.166.119:80 weight 2", "10.19.166.84:80 weight 1"],
            server.RealServers.Select(r => $"{r.Address}:{r.Port} weight {r.Weight}"));
        Assert.Equal(("eth0", true), (config.Ipvs.SyncDaemon!.Interface, config.Ipvs.WarmStandby));
    }

    [Fact]
    public void Load_MissingFile_ReportsItAsOneError()
    {
        var result = ConfigLoader.Load("/nonexistent/hadirector.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("/nonexistent/hadirector.yaml", 1, 1, ""), (error.File, error.Line, error.Column, error.FieldPath));
        Assert.StartsWith("cannot read the file: ", error.Message, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HaDirector.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("HaDirector.sln not found above the test binaries");
    }
}
