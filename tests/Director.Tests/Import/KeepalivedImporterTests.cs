using System.Globalization;
using HaDirector.Director.Configuration;
using HaDirector.Director.Import;
using YamlDotNet.RepresentationModel;

namespace HaDirector.Director.Tests.Import;

/// <summary>
/// The translation item by item, from small keepalived.conf fragments written for these tests. The output is loaded and
/// validated by the real ConfigLoader (as check-config --offline); where the YAML's shape is the point (per-real-server
/// checks, keepalived-style addresses) it is also checked by structure.
/// </summary>
public sealed class KeepalivedImporterTests
{
    private const string Main = "/etc/keepalived/keepalived.conf";

    private const string Instance = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 150
            advert_int 1
            virtual_ipaddress {
                198.18.0.10
            }
        }

        """;

    internal static ImportResult Import(string text, Dictionary<string, string>? more = null)
    {
        var files = new Dictionary<string, string>(more ?? []) { [Main] = text };
        return KeepalivedImporter.Import(KeepalivedReader.Read(Main, new DictionaryIncludeResolver(files), "lb1"), Main);
    }

    /// <summary>The output passes the configuration loader and validator, as check-config --offline.</summary>
    internal static DirectorConfig AssertValid(ImportResult result)
    {
        Assert.Empty(result.Errors);
        var loaded = ConfigLoader.LoadFromText(result.Yaml!, "imported.yaml");
        Assert.True(loaded.Errors.Count == 0, string.Join("\n", loaded.Errors) + "\n---\n" + result.Yaml);
        return loaded.Config!;
    }

    /// <summary>A value of the output by path (<c>vrrp.instances[0].name</c>), read generically.</summary>
    internal static YamlNode At(string yaml, string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        YamlNode node = stream.Documents[0].RootNode;
        foreach (var part in path.Split('.'))
        {
            var name = part;
            int? index = null;
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                name = part[..bracket];
                index = int.Parse(part[(bracket + 1)..^1], CultureInfo.InvariantCulture);
            }
            if (name.Length > 0)
            {
                node = ((YamlMappingNode)node).Children[new YamlScalarNode(name)];
            }
            if (index is { } i)
            {
                node = ((YamlSequenceNode)node).Children[i];
            }
        }
        return node;
    }

    internal static string Scalar(string yaml, string path) => ((YamlScalarNode)At(yaml, path)).Value!;

    private static bool Has(string yaml, string path)
    {
        try
        {
            At(yaml, path);
            return true;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    public static TheoryData<string, string, string> InstanceKeywords() => new()
    {
        { "", "vrrp.instances[0].version", "2" },
        { "version 3", "vrrp.instances[0].version", "3" },
        { "priority 200", "vrrp.instances[0].priority", "200" },
        { "advert_int 3", "vrrp.instances[0].advertInterval", "3s" },
        { "nopreempt", "vrrp.instances[0].preempt", "false" },
        { "preempt_delay 30", "vrrp.instances[0].preemptDelay", "30s" },
        { "unicast_src_ip 198.18.0.1", "vrrp.instances[0].unicastSource", "198.18.0.1" },
        { "unicast_peer {\n198.18.0.2\n}", "vrrp.instances[0].unicastPeers[0]", "198.18.0.2" },
        { "authentication {\nauth_type PASS\nauth_pass secret\n}", "vrrp.instances[0].authentication.password", "secret" },
        { "authentication {\nauth_type PASS\nauth_pass longerthan8\n}", "vrrp.instances[0].authentication.password", "longerth" },
        { "garp_master_repeat 3", "vrrp.instances[0].garp.repeat", "3" },
        { "garp_interval 0.2", "vrrp.instances[0].garp.interval", "200ms" },
        { "garp_master_refresh 60", "vrrp.instances[0].garp.refresh", "60s" },
        { "notify /usr/local/bin/notify.sh", "vrrp.instances[0].notify.command", "/usr/local/bin/notify.sh" },
        { "notify_master \"/bin/m.sh up\"", "vrrp.instances[0].notify.master", "/bin/m.sh up" },
        { "notify_backup /bin/b.sh", "vrrp.instances[0].notify.backup", "/bin/b.sh" },
        { "notify_fault /bin/f.sh", "vrrp.instances[0].notify.fault", "/bin/f.sh" },
        { "notify_stop /bin/s.sh", "vrrp.instances[0].notify.stop", "/bin/s.sh" },
        { "track_interface {\neth1 weight -50\n}", "vrrp.instances[0].track[0].weight", "-50" },
        { "track_interface {\neth1\n}", "vrrp.trackers[0].interface", "eth1" },
    };

    [Theory]
    [MemberData(nameof(InstanceKeywords))]
    public void Import_InstanceKeyword_ValidValueInTheOutput(string keyword, string path, string expected)
    {
        // After advert_int: keepalived takes the last of a keyword given twice, and so does the import.
        var result = Import(Instance.Replace("advert_int 1", "advert_int 1\n" + keyword, StringComparison.Ordinal));

        AssertValid(result);
        Assert.Equal(expected, Scalar(result.Yaml!, path));
    }

    [Fact]
    public void Import_Instance_EveryValueCommentedWithItsSourceLine()
    {
        var yaml = Import(Instance).Yaml!;

        Assert.Contains("interface: eth0  # /etc/keepalived/keepalived.conf:2", yaml, StringComparison.Ordinal);
        Assert.Contains("vrid: 51  # /etc/keepalived/keepalived.conf:3", yaml, StringComparison.Ordinal);
        Assert.Contains("- 198.18.0.10  # /etc/keepalived/keepalived.conf:7", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_GlobalVrrpVersionAndGarp_DefaultsForEveryInstance()
    {
        var result = Import("global_defs {\nvrrp_version 3\nvrrp_garp_master_repeat 2\nvrrp_garp_interval 0.05\n}\n" + Instance);

        AssertValid(result);
        Assert.Equal("3", Scalar(result.Yaml!, "vrrp.instances[0].version"));
        Assert.Equal("2", Scalar(result.Yaml!, "vrrp.instances[0].garp.repeat"));
        Assert.Equal("50ms", Scalar(result.Yaml!, "vrrp.instances[0].garp.interval"));
    }

    [Fact]
    public void Import_VrrpScript_TrackerWithTheWeightOnTheTrackEntry()
    {
        var result = Import("""
            vrrp_script chk_haproxy {
                script "pidof haproxy"
                interval 2
                timeout 1
                rise 2
                fall 3
                weight -60
            }
            """ + "\n" + Instance.Replace("priority 150", "priority 150\ntrack_script {\nchk_haproxy\n}", StringComparison.Ordinal));

        var config = AssertValid(result);
        var tracker = Assert.Single(config.Vrrp.Trackers);
        Assert.Equal(("chk_haproxy", "pidof haproxy", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 2, 3),
            (tracker.Name, tracker.Command, tracker.Interval, tracker.Timeout, tracker.Rise, tracker.Fall));
        Assert.Equal("-60", Scalar(result.Yaml!, "vrrp.instances[0].track[0].weight"));
    }

    [Fact]
    public void Import_TrackFileAndProcess_TrackersOfTheirType()
    {
        var result = Import("""
            track_file maint {
                file /run/maint
                weight -10
            }
            track_process lb {
                process haproxy
            }
            """ + "\n" + Instance.Replace("priority 150", "priority 150\ntrack_file {\nmaint\n}\ntrack_process {\nlb weight -20\n}", StringComparison.Ordinal));

        AssertValid(result);
        Assert.Equal("/run/maint", Scalar(result.Yaml!, "vrrp.trackers[0].path"));
        Assert.Equal("-10", Scalar(result.Yaml!, "vrrp.instances[0].track[0].weight"));
        Assert.Equal("haproxy", Scalar(result.Yaml!, "vrrp.trackers[1].process"));
        Assert.Equal("-20", Scalar(result.Yaml!, "vrrp.instances[0].track[1].weight"));
    }

    [Fact]
    public void Import_SyncGroup_GroupOfTheInstances()
    {
        var second = Instance.Replace("VI_1", "VI_2", StringComparison.Ordinal).Replace("51", "52", StringComparison.Ordinal).Replace("198.18.0.10", "198.18.0.11", StringComparison.Ordinal);
        var result = Import(Instance + second + "vrrp_sync_group G {\n group {\n VI_1\n VI_2\n }\n notify_master /bin/g.sh\n}\n");

        var config = AssertValid(result);
        var group = Assert.Single(config.Vrrp.SyncGroups);
        Assert.Equal(["VI_1", "VI_2"], group.Instances);
        Assert.Equal("/bin/g.sh", Scalar(result.Yaml!, "vrrp.syncGroups[0].notify.master"));
    }

    [Fact]
    public void Import_AuthHmac_KeysModeAndWindowAsDocumented()
    {
        var result = Import(Instance.Replace("priority 150", """
            priority 150
            auth_hmac {
                key 1 hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
                active_key 1
                anti_replay monotonic
                time_window 10
                mode receive-only
            }
            """, StringComparison.Ordinal));

        AssertValid(result);
        Assert.Equal("hmac", Scalar(result.Yaml!, "vrrp.instances[0].authentication.type"));
        Assert.Equal("1", Scalar(result.Yaml!, "vrrp.instances[0].authentication.keys[0].id"));
        Assert.Equal("receiveOnly", Scalar(result.Yaml!, "vrrp.instances[0].authentication.mode"));
        Assert.Equal("monotonic", Scalar(result.Yaml!, "vrrp.instances[0].authentication.antiReplay"));
        Assert.Equal("10s", Scalar(result.Yaml!, "vrrp.instances[0].authentication.timeWindow"));
    }

    [Fact]
    public void Import_Ipv6Addresses_Rfc5952AndVersion3()
    {
        var result = Import(Instance.Replace("198.18.0.10", "2001:DB8:0:0::10", StringComparison.Ordinal)
            .Replace("priority 150", "priority 150\nunicast_peer {\nFE80:0::2\n}", StringComparison.Ordinal));

        AssertValid(result);
        Assert.Equal("2001:db8::10", Scalar(result.Yaml!, "vrrp.instances[0].virtualAddresses[0]"));
        Assert.Equal("fe80::2", Scalar(result.Yaml!, "vrrp.instances[0].unicastPeers[0]"));
        Assert.Equal("3", Scalar(result.Yaml!, "vrrp.instances[0].version"));
        Assert.Contains(result.Warnings, w => w.Text.Contains("IPv6 instance is VRRPv3", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_VipWithDevLabelAndExcluded_AddressMapsAndExcludedList()
    {
        var result = Import(Instance.Replace("198.18.0.10\n", """
            198.18.0.10/24 dev eth1 label eth1:web
            198.18.0.20-21
            }
            virtual_ipaddress_excluded {
            198.18.2.10/24 dev eth2
            2001:db8::5
            """, StringComparison.Ordinal));

        Assert.Empty(result.Errors);
        var yaml = result.Yaml!;
        Assert.Equal(("198.18.0.10/24", "eth1", "eth1:web"),
            (Scalar(yaml, "vrrp.instances[0].virtualAddresses[0].address"), Scalar(yaml, "vrrp.instances[0].virtualAddresses[0].dev"), Scalar(yaml, "vrrp.instances[0].virtualAddresses[0].label")));
        Assert.Equal("198.18.0.20", Scalar(yaml, "vrrp.instances[0].virtualAddresses[1]"));
        Assert.Equal("198.18.0.21", Scalar(yaml, "vrrp.instances[0].virtualAddresses[2]"));
        Assert.Equal("eth2", Scalar(yaml, "vrrp.instances[0].excludedAddresses[0].dev"));
        Assert.Equal("2001:db8::5", Scalar(yaml, "vrrp.instances[0].excludedAddresses[1]"));
        var instance = Assert.Single(AssertValid(result).Vrrp.Instances);
        Assert.Equal(("eth1", "eth1:web"), (instance.VirtualAddresses[0].Device, instance.VirtualAddresses[0].Label));
        Assert.Equal(2, instance.ExcludedAddresses.Count);
    }

    private const string Service = """
        virtual_server 198.18.0.10 80 {
            delay_loop 6
            lb_algo rr
            lb_kind DR
            protocol TCP
            real_server 198.18.1.1 80 {
                weight 2
                TCP_CHECK {
                    connect_timeout 2
                }
            }
            real_server 198.18.1.2 80 {
                weight 1
                TCP_CHECK {
                    connect_timeout 2
                }
            }
        }

        """;

    public static TheoryData<string, string, string> ServiceKeywords() => new()
    {
        { "", "virtualServers[0].scheduler", "rr" },
        { "", "virtualServers[0].forwarding", "dr" },
        { "", "virtualServers[0].name", "198.18.0.10:80" },
        { "", "virtualServers[0].healthCheck.type", "tcp" },
        { "", "virtualServers[0].healthCheck.interval", "6s" },
        { "", "virtualServers[0].healthCheck.timeout", "2s" },
        { "", "virtualServers[0].healthCheck.retry", "1" },
        { "", "virtualServers[0].realServers[0].weight", "2" },
        { "persistence_timeout 600", "virtualServers[0].persistence", "600s" },
        { "persistence_timeout", "virtualServers[0].persistence", "360s" },
        { "persistence_timeout 60\npersistence_granularity 255.255.255.0", "virtualServers[0].persistenceNetmask", "255.255.255.0" },
        { "sorry_server 198.18.1.9 80", "virtualServers[0].sorryServer.address", "198.18.1.9" },
        { "inhibit_on_failure", "virtualServers[0].healthCheck.onFailure", "inhibit" },
        { "ops", "virtualServers[0].onePacket", "true" },
    };

    [Theory]
    [MemberData(nameof(ServiceKeywords))]
    public void Import_VirtualServerKeyword_ValidValueInTheOutput(string keyword, string path, string expected)
    {
        var result = Import(Instance + Service.Replace("protocol TCP", "protocol TCP\n" + keyword, StringComparison.Ordinal));

        AssertValid(result);
        Assert.Equal(expected, Scalar(result.Yaml!, path));
    }

    [Fact]
    public void Import_NoLbKind_KeepalivedsNat()
    {
        var result = Import(Instance + Service.Replace("lb_kind DR", "", StringComparison.Ordinal));

        Assert.Equal("nat", Scalar(AssertYaml(result), "virtualServers[0].forwarding"));
        AssertValid(result);
    }

    /// <summary>The 1-based line of the first occurrence of <paramref name="needle"/>.</summary>
    private static int LineOf(string text, string needle) =>
        text[..text.IndexOf(needle, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    private static string AssertYaml(ImportResult result)
    {
        Assert.Empty(result.Errors);
        return result.Yaml!;
    }

    [Fact]
    public void Import_FwmarkAndGroup_OneServicePerGroupEntry()
    {
        var result = Import(Instance.Replace("198.18.0.10\n", "198.18.0.10\n198.18.0.11\n", StringComparison.Ordinal) + """
            virtual_server_group web {
                198.18.0.10 80
                198.18.0.11 443
                fwmark 7
            }
            virtual_server group web {
                lb_kind DR
                real_server 198.18.1.1 80 {
                }
            }
            """);

        var config = AssertValid(result);
        Assert.Equal(["web-198.18.0.10:80", "web-198.18.0.11:443", "web-fwmark-7"], config.VirtualServers.Select(v => v.Name));
        Assert.Equal(7u, config.VirtualServers[2].FirewallMark);
    }

    [Fact]
    public void Import_RetriesThatDoNotFitTheInterval_FallInsteadAndAWarning()
    {
        var text = Instance + Service.Replace("connect_timeout 2", "connect_timeout 3\nretry 3\ndelay_before_retry 3", StringComparison.Ordinal);
        var result = Import(text);

        var config = AssertValid(result);
        var check = config.VirtualServers[0].HealthCheck;
        Assert.Equal((0, 4, 1), (check.Retry, check.Fall, check.Rise));
        Assert.Contains(result.Warnings, w => w.Keyword == "TCP_CHECK" && w.Location.Line == LineOf(text, "TCP_CHECK") && w.Text.Contains("fall 4", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_HttpAndSslChecks_PathStatusDigestHostAndNoCertificateCheck()
    {
        var result = Import(Instance + """
            virtual_server 198.18.0.10 443 {
                delay_loop 5
                lb_kind DR
                virtualhost www.example.com
                real_server 198.18.1.1 443 {
                    SSL_GET {
                        url {
                            path /health
                            status_code 200 300-399
                            digest 9B3A0C1D2E3F405162738495A6B7C8D9
                        }
                        connect_timeout 2
                    }
                }
            }
            """);

        var config = AssertValid(result);
        var check = config.VirtualServers[0].HealthCheck;
        Assert.Equal(("/health", "www.example.com", false), (check.Path, check.Host, check.TlsVerify));
        Assert.Equal("9b3a0c1d2e3f405162738495a6b7c8d9", Scalar(result.Yaml!, "virtualServers[0].healthCheck.digest"));
        Assert.Equal("300-399", Scalar(result.Yaml!, "virtualServers[0].healthCheck.expectStatus[1]"));
    }

    [Fact]
    public void Import_MiscCheckDynamic_ExecWithDynamicWeight()
    {
        var result = Import(Instance + Service.Replace("TCP_CHECK {", "MISC_CHECK {\n misc_path \"/bin/check.sh arg\"\n misc_timeout 3\n misc_dynamic", StringComparison.Ordinal)
            .Replace("connect_timeout 2", "", StringComparison.Ordinal));

        var config = AssertValid(result);
        var check = config.VirtualServers[0].HealthCheck;
        Assert.Equal(("/bin/check.sh arg", true, TimeSpan.FromSeconds(3)), (check.Command, check.DynamicWeight, check.Timeout));
    }

    [Fact]
    public void Import_DifferentCheckersPerRealServer_HealthChecksPerRealServer()
    {
        var result = Import(Instance + """
            virtual_server 198.18.0.10 80 {
                delay_loop 10
                lb_kind DR
                real_server 198.18.1.1 80 {
                    inhibit_on_failure
                    TCP_CHECK {
                        connect_port 8080
                        connect_timeout 3
                    }
                    HTTP_GET {
                        url {
                            path /health
                            status_code 200
                        }
                        url {
                            path /ready
                            digest 9b3a0c1d2e3f405162738495a6b7c8d9
                        }
                        virtualhost www.example.com
                        connect_timeout 2
                        retry 2
                        delay_before_retry 1
                    }
                }
                real_server 198.18.1.2 80 {
                }
            }
            """);

        var yaml = AssertYaml(result);
        Assert.False(Has(yaml, "virtualServers[0].healthCheck"));
        Assert.Equal("inhibit", Scalar(yaml, "virtualServers[0].realServers[0].onFailure"));
        Assert.Equal(("tcp", "8080", "3s"), (Scalar(yaml, "virtualServers[0].realServers[0].healthChecks[0].type"),
            Scalar(yaml, "virtualServers[0].realServers[0].healthChecks[0].port"), Scalar(yaml, "virtualServers[0].realServers[0].healthChecks[0].timeout")));
        var http = "virtualServers[0].realServers[0].healthChecks[1]";
        Assert.Equal(("http", "/health", "200", "/ready", "9b3a0c1d2e3f405162738495a6b7c8d9", "www.example.com"),
            (Scalar(yaml, http + ".type"), Scalar(yaml, http + ".urls[0].path"), Scalar(yaml, http + ".urls[0].expectStatus[0]"),
             Scalar(yaml, http + ".urls[1].path"), Scalar(yaml, http + ".urls[1].digest"), Scalar(yaml, http + ".host")));
        Assert.Equal(("10s", "2s", "2", "1s"), (Scalar(yaml, http + ".interval"), Scalar(yaml, http + ".timeout"), Scalar(yaml, http + ".retry"), Scalar(yaml, http + ".retryDelay")));
        Assert.Empty(((YamlSequenceNode)At(yaml, "virtualServers[0].realServers[1].healthChecks")).Children);
        var servers = Assert.Single(AssertValid(result).VirtualServers).RealServers;
        Assert.Equal(2, servers[0].HealthChecks!.Count);
        Assert.Empty(servers[1].HealthChecks!);
    }

    [Fact]
    public void Import_Quorum_VirtualServerTrackerTrackedByTheVipsInstance()
    {
        var result = Import(Instance + Service.Replace("protocol TCP", "protocol TCP\nquorum 2", StringComparison.Ordinal).Replace("weight 2", "weight 1", StringComparison.Ordinal));

        var config = AssertValid(result);
        var tracker = Assert.Single(config.Vrrp.Trackers);
        Assert.Equal(("198.18.0.10:80", 2), (tracker.VirtualServer, tracker.MinUp));
        Assert.Equal(tracker.Name, Assert.Single(config.Vrrp.Instances[0].Track).Tracker);
        Assert.Contains(result.Warnings, w => w.Keyword == "quorum");
    }

    [Theory]
    [InlineData("SMTP_CHECK {\n}", "SMTP_CHECK")]
    [InlineData("uthreshold 100", "uthreshold")]
    public void Import_UntranslatableInRealServer_WarningWithLineAndACommentInTheYaml(string keyword, string name)
    {
        var text = Instance + Service.Replace("weight 2", "weight 2\n" + keyword, StringComparison.Ordinal);
        var result = Import(text);

        AssertValid(result);
        var warning = Assert.Single(result.Warnings, w => w.Keyword == name);
        Assert.Equal(Main, warning.Location.File);
        Assert.Equal(LineOf(text, name), warning.Location.Line);
        Assert.Contains($"# {name} ({Main}:{warning.Location.Line}): not carried over", result.Yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("global_defs {\nvrrp_strict\n}\n", "vrrp_strict")]
    [InlineData("global_defs {\nvrrp_garp_master_delay 10\n}\n", "vrrp_garp_master_delay")]
    [InlineData("static_routes {\n10.0.0.0/8 via 198.18.0.1\n}\n", "static_routes")]
    public void Import_UntranslatableGlobal_WarningAndComment(string text, string keyword)
    {
        var result = Import(text + Instance);

        AssertValid(result);
        Assert.Contains(result.Warnings, w => w.Keyword == keyword && w.Location.Line == (keyword == "static_routes" ? 1 : 2));
        Assert.Contains($"# {keyword} (", result.Yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_NoVrrpInstance_ErrorAndNoYaml()
    {
        var result = Import(Service);

        Assert.Null(result.Yaml);
        Assert.Contains("no vrrp_instance", Assert.Single(result.Errors).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_SameInputTwice_SameOutput()
    {
        var text = Instance + Service;

        Assert.Equal(Import(text).Yaml, Import(text).Yaml);
    }
}
