namespace HaDirector.Director.Tests.Import;

/// <summary>
/// The whole keepalived.conf files KeepalivedImporterTests imports, in one place so that keepalived itself can check
/// each (Integration.Tests' KeepalivedConfigTestTests links this file and runs <c>keepalived -t</c> on every entry of
/// <see cref="All"/>). <see cref="RejectedByKeepalived"/> holds the few that keepalived runs but reports as a
/// configuration error, kept on purpose because the importer must do what keepalived then does.
/// </summary>
public static class KeepalivedImportInputs
{
    public const string Instance = """
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

    public const string Service = """
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

    /// <summary>An instance keyword after advert_int: keepalived takes the last of a keyword given twice, and so does the import.</summary>
    public static string InstanceWith(string keyword) => Instance.Replace("advert_int 1", "advert_int 1\n" + keyword, StringComparison.Ordinal);

    public static string ServiceWith(string keyword) => Instance + Service.Replace("protocol TCP", "protocol TCP\n" + keyword, StringComparison.Ordinal);

    /// <summary>(instance keyword, YAML path, expected value) of the table-driven instance test.</summary>
    public static readonly (string Keyword, string Path, string Expected)[] InstanceKeywords =
    [
        ("", "vrrp.instances[0].version", "2"),
        ("version 3", "vrrp.instances[0].version", "3"),
        ("priority 200", "vrrp.instances[0].priority", "200"),
        ("advert_int 3", "vrrp.instances[0].advertInterval", "3s"),
        ("nopreempt", "vrrp.instances[0].preempt", "false"),
        ("preempt_delay 30", "vrrp.instances[0].preemptDelay", "30s"),
        ("unicast_src_ip 198.18.0.1\nunicast_peer {\n198.18.0.2\n}", "vrrp.instances[0].unicastSource", "198.18.0.1"),
        ("unicast_peer {\n198.18.0.2\n}", "vrrp.instances[0].unicastPeers[0]", "198.18.0.2"),
        ("authentication {\nauth_type PASS\nauth_pass secret\n}", "vrrp.instances[0].authentication.password", "secret"),
        ("garp_master_repeat 3", "vrrp.instances[0].garp.repeat", "3"),
        ("garp_master_refresh 60", "vrrp.instances[0].garp.refresh", "60s"),
        ("notify /usr/local/bin/notify.sh", "vrrp.instances[0].notify.command", "/usr/local/bin/notify.sh"),
        ("notify_master \"/bin/m.sh up\"", "vrrp.instances[0].notify.master", "/bin/m.sh up"),
        ("notify_backup /bin/b.sh", "vrrp.instances[0].notify.backup", "/bin/b.sh"),
        ("notify_fault /bin/f.sh", "vrrp.instances[0].notify.fault", "/bin/f.sh"),
        ("notify_stop /bin/s.sh", "vrrp.instances[0].notify.stop", "/bin/s.sh"),
        ("track_interface {\neth1 weight -50\n}", "vrrp.instances[0].track[0].weight", "-50"),
        ("track_interface {\neth1\n}", "vrrp.trackers[0].interface", "eth1"),
    ];

    /// <summary>(virtual_server keyword, YAML path, expected value) of the table-driven service test.</summary>
    public static readonly (string Keyword, string Path, string Expected)[] ServiceKeywords =
    [
        ("", "virtualServers[0].scheduler", "rr"),
        ("", "virtualServers[0].forwarding", "dr"),
        ("", "virtualServers[0].name", "198.18.0.10:80"),
        ("", "virtualServers[0].healthCheck.type", "tcp"),
        ("", "virtualServers[0].healthCheck.interval", "6s"),
        ("", "virtualServers[0].healthCheck.timeout", "2s"),
        ("", "virtualServers[0].healthCheck.retry", "1"),
        ("", "virtualServers[0].realServers[0].weight", "2"),
        ("persistence_timeout 600", "virtualServers[0].persistence", "600s"),
        ("persistence_timeout", "virtualServers[0].persistence", "360s"),
        ("persistence_timeout 60\npersistence_granularity 255.255.255.0", "virtualServers[0].persistenceNetmask", "255.255.255.0"),
        ("sorry_server 198.18.1.9 80", "virtualServers[0].sorryServer.address", "198.18.1.9"),
        ("inhibit_on_failure", "virtualServers[0].healthCheck.onFailure", "inhibit"),
        ("protocol UDP\nops", "virtualServers[0].onePacket", "true"),
        ("delay_loop 10\nretry 2", "virtualServers[0].healthCheck.retry", "2"),
    ];

    /// <summary>The mh scheduler with keepalived's flag keywords and inhibit_on_failure.</summary>
    public static string MhWithFlags => Instance + Service.Replace("lb_algo rr", "lb_algo mh\nmh-port\nmh-fallback", StringComparison.Ordinal)
        .Replace("protocol TCP", "protocol TCP\ninhibit_on_failure", StringComparison.Ordinal);

    public const string GlobalVersionAndGarp = "global_defs {\nvrrp_version 3\nvrrp_garp_master_repeat 2\nvrrp_garp_interval 0.05\n}\n" + Instance;

    // keepalived -t calls a script it would run without script security a "SECURITY VIOLATION".
    public static readonly string VrrpScript = """
        global_defs {
            enable_script_security
            script_user root
        }
        vrrp_script chk_haproxy {
            script "/usr/bin/pidof haproxy"
            interval 2
            timeout 1
            rise 2
            fall 3
            weight -60
        }
        """ + "\n" + Instance.Replace("priority 150", "priority 150\ntrack_script {\nchk_haproxy\n}", StringComparison.Ordinal);

    public static readonly string TrackFileAndProcess = """
        track_file maint {
            file /run/maint
            weight -10
        }
        track_process lb {
            process haproxy
        }
        track_process sshd {
            process sshd
        }
        """ + "\n" + Instance.Replace("priority 150", "priority 150\ntrack_file {\nmaint\n}\ntrack_process {\nlb weight -20\nsshd\n}", StringComparison.Ordinal);

    public static readonly string SyncGroup = Instance + Instance2 + "vrrp_sync_group G {\n group {\n VI_1\n VI_2\n }\n notify_master /bin/g.sh\n}\n";

    /// <summary>A vrrp_script chk of weight -20 and a track_file maint, with the script security keepalived -t wants.</summary>
    private const string ChkAndMaint = """
        global_defs {
            enable_script_security
            script_user root
        }
        vrrp_script chk {
            script "/usr/bin/true"
            weight -20
        }
        track_file maint {
            file /run/maint
        }
        """;

    /// <summary>Both instances of a group track eth1 with a weight and a script with one; the group does not allow weights.</summary>
    public static readonly string SyncGroupWithoutTrackingWeight = ChkAndMaint + "\n" + Instance.Replace("priority 150", "priority 150\ntrack_interface {\neth1 weight -50\n}\ntrack_script {\nchk\n}\ntrack_file {\nmaint\n}", StringComparison.Ordinal)
        + Instance2 + "vrrp_sync_group G {\n group {\n VI_1\n VI_2\n }\n}\n";

    /// <summary>
    /// Trackers on the sync group itself (no sync_group_tracking_weight): keepalived applies each to every member,
    /// weights included. VI_2 also tracks chk itself, unweighted: one tracking, a fault as VI_2 has it.
    /// </summary>
    public static readonly string SyncGroupTrackers = ChkAndMaint + "\n" + Instance + Instance2.Replace("priority 150", "priority 150\ntrack_script {\nchk weight 0\n}", StringComparison.Ordinal) + """
        vrrp_sync_group G {
            group {
                VI_1
                VI_2
            }
            track_script {
                chk weight -30
            }
            track_interface {
                eth1
            }
            track_file {
                maint weight -10
            }
        }

        """;

    public static readonly string AuthHmac = Instance.Replace("priority 150", """
        priority 150
        auth_hmac {
            key 1 hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
            active_key 1
            anti_replay monotonic
            time_window 10
            mode receive-only
        }
        """, StringComparison.Ordinal);

    public static readonly string Ipv6Addresses = Instance.Replace("198.18.0.10", "2001:DB8:0:0::10", StringComparison.Ordinal)
        .Replace("priority 150", "priority 150\nunicast_peer {\nFE80:0::2\n}", StringComparison.Ordinal);

    public static readonly string VipWithDevLabelAndExcluded = Instance.Replace("198.18.0.10\n", """
        198.18.0.10/24 dev eth1 label eth1:web
        198.18.0.20
        198.18.0.21
        }
        virtual_ipaddress_excluded {
        198.18.2.10/24 dev eth1
        2001:db8::5
        """, StringComparison.Ordinal);

    public static readonly string NoLbKind = Instance + Service.Replace("lb_kind DR", "", StringComparison.Ordinal);

    public static readonly string FwmarkAndGroup = Instance.Replace("198.18.0.10\n", "198.18.0.10\n198.18.0.11\n", StringComparison.Ordinal) + """
        virtual_server_group web {
            198.18.0.10 80
            198.18.0.11 80
            fwmark 7
        }
        virtual_server group web {
            lb_algo wlc
            lb_kind DR
            protocol TCP
            real_server 198.18.1.1 {
            }
        }
        """;

    /// <summary>
    /// DR real servers of firewall-mark services with a port, a sorry server with one too: keepalived gives IPVS port 0
    /// for each ("has port specified - clearing", "- port will be ignored" in a virtual_server_group) and its checkers
    /// probe the port written. The NAT one keeps its port.
    /// </summary>
    public static readonly string FwmarkDrPorts = Instance + """
        virtual_server_group marks {
            fwmark 8
        }
        virtual_server group marks {
            lb_algo wlc
            lb_kind DR
            real_server 198.18.1.1 443 {
                TCP_CHECK {
                    connect_timeout 2
                }
            }
            real_server 198.18.1.2 443 {
                TCP_CHECK {
                    connect_timeout 2
                }
            }
        }
        virtual_server fwmark 9 {
            lb_algo rr
            lb_kind DR
            sorry_server 198.18.1.9 8080
            real_server 198.18.1.3 80 {
                TCP_CHECK {
                    connect_timeout 2
                }
            }
        }
        virtual_server fwmark 10 {
            lb_algo rr
            lb_kind NAT
            real_server 198.18.1.4 8080 {
                TCP_CHECK {
                    connect_timeout 2
                }
            }
        }

        """;

    public static readonly string RetriesThatDoNotFit = Instance + Service.Replace("connect_timeout 2", "connect_timeout 3\nretry 3\ndelay_before_retry 3", StringComparison.Ordinal);

    public static readonly string HttpAndSslChecks = Instance + """
        virtual_server 198.18.0.10 443 {
            delay_loop 5
            lb_algo wlc
            lb_kind DR
            protocol TCP
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
        """;

    public static readonly string MiscCheckDynamic = Instance + Service
        .Replace("TCP_CHECK {", "MISC_CHECK {\n misc_path \"/bin/check.sh arg\"\n misc_timeout 3\n misc_dynamic", StringComparison.Ordinal)
        .Replace("connect_timeout 2", "", StringComparison.Ordinal);

    public static readonly string DifferentCheckersPerRealServer = Instance + """
        virtual_server 198.18.0.10 80 {
            delay_loop 10
            lb_algo wlc
            lb_kind DR
            protocol TCP
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
        """;

    public static readonly string Quorum = Instance + Service.Replace("protocol TCP", "protocol TCP\nquorum 2", StringComparison.Ordinal).Replace("weight 2", "weight 1", StringComparison.Ordinal);

    /// <summary>keepalived 2.2.7 knows nb_get_retry only in HTTP_GET/SSL_GET, and calls it deprecated there.</summary>
    public static readonly string NbGetRetry = DifferentCheckersPerRealServer.Replace("retry 2", "nb_get_retry 2", StringComparison.Ordinal);

    /// <summary>keepalived runs an address-based virtual_server without 'protocol' as UDP (and reports it).</summary>
    public static readonly string NoProtocol = NoLbKind.Replace("protocol TCP", "", StringComparison.Ordinal);

    public static readonly (string Keyword, string Name)[] UntranslatableInVirtualServer = [("alpha", "alpha"), ("omega", "omega"), ("ha_suspend", "ha_suspend")];

    public static readonly (string Keyword, string Name)[] UntranslatableInRealServer = [("SMTP_CHECK {\n}", "SMTP_CHECK"), ("uthreshold 100", "uthreshold")];

    public static string RealServerWith(string keyword) => Instance + Service.Replace("weight 2", "weight 2\n" + keyword, StringComparison.Ordinal);

    public static readonly (string Text, string Keyword)[] UntranslatableGlobal =
    [
        ("global_defs {\nvrrp_strict\n}\n", "vrrp_strict"),
        ("global_defs {\nvrrp_garp_master_delay 10\n}\n", "vrrp_garp_master_delay"),
        ("static_routes {\n198.19.0.0/16 via 198.18.0.1 dev eth0\n}\n", "static_routes"),
    ];

    private static string Instance2 => Instance.Replace("VI_1", "VI_2", StringComparison.Ordinal).Replace("51", "52", StringComparison.Ordinal)
        .Replace("198.18.0.10", "198.18.0.11", StringComparison.Ordinal);

    /// <summary>Every input keepalived accepts, by a name saying which test reads it.</summary>
    public static IReadOnlyDictionary<string, string> All()
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Instance"] = Instance,
            ["GlobalVersionAndGarp"] = GlobalVersionAndGarp,
            ["MhWithFlags"] = MhWithFlags,
            ["VrrpScript"] = VrrpScript,
            ["SyncGroup"] = SyncGroup,
            ["SyncGroupTrackers"] = SyncGroupTrackers,
            ["AuthHmac"] = AuthHmac,
            ["Ipv6Addresses"] = Ipv6Addresses,
            ["VipWithDevLabelAndExcluded"] = VipWithDevLabelAndExcluded,
            ["FwmarkAndGroup"] = FwmarkAndGroup,
            ["RetriesThatDoNotFit"] = RetriesThatDoNotFit,
            ["HttpAndSslChecks"] = HttpAndSslChecks,
            ["MiscCheckDynamic"] = MiscCheckDynamic,
            ["DifferentCheckersPerRealServer"] = DifferentCheckersPerRealServer,
            ["Quorum"] = Quorum,
            ["NoVrrpInstance"] = Service,
        };
        foreach (var (keyword, _, _) in InstanceKeywords.Where(k => k.Keyword.Length > 0))
        {
            all["Instance: " + keyword.Replace('\n', ' ')] = InstanceWith(keyword);
        }
        foreach (var (keyword, _, _) in ServiceKeywords.Where(k => k.Keyword.Length > 0))
        {
            all["Service: " + keyword.Replace('\n', ' ')] = ServiceWith(keyword);
        }
        foreach (var (keyword, name) in UntranslatableInVirtualServer)
        {
            all["VirtualServer: " + name] = ServiceWith(keyword);
        }
        foreach (var (keyword, name) in UntranslatableInRealServer)
        {
            all["RealServer: " + name] = RealServerWith(keyword);
        }
        foreach (var (text, keyword) in UntranslatableGlobal)
        {
            all["Global: " + keyword] = text + Instance;
        }
        return all;
    }

    /// <summary>
    /// Inputs keepalived runs but <c>keepalived -t</c> reports (the message it prints), kept because the importer must
    /// translate what keepalived then does.
    /// </summary>
    public static IReadOnlyDictionary<string, (string Text, string Message)> RejectedByKeepalived() => new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["PasswordLongerThan8"] = (InstanceWith("authentication {\nauth_type PASS\nauth_pass longerthan8\n}"), "Truncating auth_pass to 8 characters"),
        ["SyncGroupWithoutTrackingWeight"] = (SyncGroupWithoutTrackingWeight, "due to SYNC group"),
        ["OnePacketOnTcp"] = (ServiceWith("ops"), "one packet scheduling requires UDP - resetting"),
        ["NbGetRetry"] = (NbGetRetry, "nb_get_retry is deprecated - please use 'retry'"),
        ["NoProtocol"] = (NoProtocol, "no protocol set - defaulting to UDP"),
        ["NoLbKind"] = (NoLbKind, "no forwarding method set, setting default NAT"),
        ["FwmarkDrPorts"] = (FwmarkDrPorts, "has port specified - clearing"),
        // Written as keepalived.conf(5) says; but Debian's 2.2.7 and the tests' 2.4.3 are built without track_process.
        ["TrackFileAndProcess"] = (TrackFileAndProcess, "Unknown keyword 'track_process'"),
    };
}
