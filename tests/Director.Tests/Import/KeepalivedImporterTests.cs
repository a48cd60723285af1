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

    private const string Instance = KeepalivedImportInputs.Instance;

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

    public static TheoryData<string, string, string> InstanceKeywords() => Cases(KeepalivedImportInputs.InstanceKeywords);

    private static TheoryData<string, string, string> Cases((string, string, string)[] cases)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (keyword, path, expected) in cases)
        {
            data.Add(keyword, path, expected);
        }
        return data;
    }

    private static TheoryData<string, string> Cases((string, string)[] cases)
    {
        var data = new TheoryData<string, string>();
        foreach (var (a, b) in cases)
        {
            data.Add(a, b);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(InstanceKeywords))]
    public void Import_InstanceKeyword_ValidValueInTheOutput(string keyword, string path, string expected)
    {
        var result = Import(KeepalivedImportInputs.InstanceWith(keyword));

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
        var result = Import(KeepalivedImportInputs.GlobalVersionAndGarp);

        AssertValid(result);
        Assert.Equal("3", Scalar(result.Yaml!, "vrrp.instances[0].version"));
        Assert.Equal("2", Scalar(result.Yaml!, "vrrp.instances[0].garp.repeat"));
        Assert.Equal("50ms", Scalar(result.Yaml!, "vrrp.instances[0].garp.interval"));
    }

    [Fact]
    public void Import_VrrpScript_TrackerWithTheWeightOnTheTrackEntry()
    {
        var result = Import(KeepalivedImportInputs.VrrpScript);

        var config = AssertValid(result);
        var tracker = Assert.Single(config.Vrrp.Trackers);
        Assert.Equal(("chk_haproxy", "/usr/bin/pidof haproxy", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 2, 3),
            (tracker.Name, tracker.Command, tracker.Interval, tracker.Timeout, tracker.Rise, tracker.Fall));
        Assert.Equal("-60", Scalar(result.Yaml!, "vrrp.instances[0].track[0].weight"));
    }

    [Fact]
    public void Import_TrackFileAndProcess_TrackersOfTheirType()
    {
        var result = Import(KeepalivedImportInputs.TrackFileAndProcess);

        AssertValid(result);
        Assert.Equal("/run/maint", Scalar(result.Yaml!, "vrrp.trackers[0].path"));
        Assert.Equal("-10", Scalar(result.Yaml!, "vrrp.instances[0].track[0].weight"));
        Assert.Equal("haproxy", Scalar(result.Yaml!, "vrrp.trackers[1].process"));
        Assert.Equal("-20", Scalar(result.Yaml!, "vrrp.instances[0].track[1].weight"));
        // keepalived's default weight of a tracked process (and file) is 1, not "fault"
        Assert.Equal(("sshd", "1"), (Scalar(result.Yaml!, "vrrp.instances[0].track[2].tracker"), Scalar(result.Yaml!, "vrrp.instances[0].track[2].weight")));
    }

    [Fact]
    public void Import_SyncGroup_GroupOfTheInstances()
    {
        var result = Import(KeepalivedImportInputs.SyncGroup);

        var config = AssertValid(result);
        var group = Assert.Single(config.Vrrp.SyncGroups);
        Assert.Equal(["VI_1", "VI_2"], group.Instances);
        Assert.Equal("/bin/g.sh", Scalar(result.Yaml!, "vrrp.syncGroups[0].notify.master"));
    }

    [Fact]
    public void Import_AuthHmac_KeysModeAndWindowAsDocumented()
    {
        var result = Import(KeepalivedImportInputs.AuthHmac);

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
        var result = Import(KeepalivedImportInputs.Ipv6Addresses);

        AssertValid(result);
        Assert.Equal("2001:db8::10", Scalar(result.Yaml!, "vrrp.instances[0].virtualAddresses[0]"));
        Assert.Equal("fe80::2", Scalar(result.Yaml!, "vrrp.instances[0].unicastPeers[0]"));
        Assert.Equal("3", Scalar(result.Yaml!, "vrrp.instances[0].version"));
        // keepalived runs an IPv6 instance as VRRPv3 too: explained in the YAML, not an omission
        Assert.Empty(result.Warnings);
        Assert.Contains("IPv6 instance is VRRPv3", result.Yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_VipWithDevLabelAndExcluded_AddressMapsAndExcludedList()
    {
        var result = Import(KeepalivedImportInputs.VipWithDevLabelAndExcluded);

        Assert.Empty(result.Errors);
        var yaml = result.Yaml!;
        Assert.Equal(("198.18.0.10/24", "eth1", "eth1:web"),
            (Scalar(yaml, "vrrp.instances[0].virtualAddresses[0].address"), Scalar(yaml, "vrrp.instances[0].virtualAddresses[0].dev"), Scalar(yaml, "vrrp.instances[0].virtualAddresses[0].label")));
        Assert.Equal("198.18.0.20", Scalar(yaml, "vrrp.instances[0].virtualAddresses[1]"));
        Assert.Equal("198.18.0.21", Scalar(yaml, "vrrp.instances[0].virtualAddresses[2]"));
        Assert.Equal("eth1", Scalar(yaml, "vrrp.instances[0].excludedAddresses[0].dev"));
        Assert.Equal("2001:db8::5", Scalar(yaml, "vrrp.instances[0].excludedAddresses[1]"));
        var instance = Assert.Single(AssertValid(result).Vrrp.Instances);
        Assert.Equal(("eth1", "eth1:web"), (instance.VirtualAddresses[0].Device, instance.VirtualAddresses[0].Label));
        Assert.Equal(2, instance.ExcludedAddresses.Count);
    }

    private const string Service = KeepalivedImportInputs.Service;

    public static TheoryData<string, string, string> ServiceKeywords() => Cases(KeepalivedImportInputs.ServiceKeywords);

    [Theory]
    [MemberData(nameof(ServiceKeywords))]
    public void Import_VirtualServerKeyword_ValidValueInTheOutput(string keyword, string path, string expected)
    {
        var result = Import(KeepalivedImportInputs.ServiceWith(keyword));

        AssertValid(result);
        Assert.Equal(expected, Scalar(result.Yaml!, path));
    }

    [Fact]
    public void Import_MhWithItsFlagsAndInhibit_SchedulerFlagsCarriedOverAndValid()
    {
        // Without mh-fallback, an inhibited (weight 0) real server keeps its Maglev slots and the connections hashed to
        // them are refused, so HaDirector refuses mh + inhibit without it: keepalived's flags must come across.
        var text = KeepalivedImportInputs.MhWithFlags;
        var result = Import(text);

        var yaml = AssertYaml(result);
        Assert.Equal(("mh", "mh-port", "mh-fallback"),
            (Scalar(yaml, "virtualServers[0].scheduler"), Scalar(yaml, "virtualServers[0].schedulerFlags[0]"), Scalar(yaml, "virtualServers[0].schedulerFlags[1]")));
        Assert.Empty(result.Warnings);
        Assert.Contains($"schedulerFlags:  # {Main}:{LineOf(text, "mh-port")}", yaml, StringComparison.Ordinal);
        AssertValid(result);
    }

    [Fact]
    public void Import_NoLbKind_KeepalivedsNat()
    {
        var result = Import(KeepalivedImportInputs.NoLbKind);

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
        var result = Import(KeepalivedImportInputs.FwmarkAndGroup);

        var config = AssertValid(result);
        Assert.Equal(["web-198.18.0.10:80", "web-198.18.0.11:80", "web-fwmark-7"], config.VirtualServers.Select(v => v.Name));
        Assert.Equal(7u, config.VirtualServers[2].FirewallMark);
    }

    [Fact]
    public void Import_RetriesThatDoNotFitTheInterval_FallInsteadAndAWarning()
    {
        var text = KeepalivedImportInputs.RetriesThatDoNotFit;
        var result = Import(text);

        var config = AssertValid(result);
        var check = config.VirtualServers[0].HealthCheck;
        Assert.Equal((0, 4, 1), (check.Retry, check.Fall, check.Rise));
        Assert.Contains(result.Warnings, w => w.Keyword == "TCP_CHECK" && w.Location.Line == LineOf(text, "TCP_CHECK") && w.Text.Contains("fall 4", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_HttpAndSslChecks_PathStatusDigestHostAndNoCertificateCheck()
    {
        var result = Import(KeepalivedImportInputs.HttpAndSslChecks);

        var config = AssertValid(result);
        var check = config.VirtualServers[0].HealthCheck;
        Assert.Equal(("/health", "www.example.com", false), (check.Path, check.Host, check.TlsVerify));
        Assert.Equal("9b3a0c1d2e3f405162738495a6b7c8d9", Scalar(result.Yaml!, "virtualServers[0].healthCheck.digest"));
        Assert.Equal("300-399", Scalar(result.Yaml!, "virtualServers[0].healthCheck.expectStatus[1]"));
    }

    [Fact]
    public void Import_MiscCheckDynamic_ExecWithDynamicWeight()
    {
        var result = Import(KeepalivedImportInputs.MiscCheckDynamic);

        var config = AssertValid(result);
        var check = config.VirtualServers[0].HealthCheck;
        Assert.Equal(("/bin/check.sh arg", true, TimeSpan.FromSeconds(3)), (check.Command, check.DynamicWeight, check.Timeout));
    }

    [Fact]
    public void Import_DifferentCheckersPerRealServer_HealthChecksPerRealServer()
    {
        var result = Import(KeepalivedImportInputs.DifferentCheckersPerRealServer);

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
        var result = Import(KeepalivedImportInputs.Quorum);

        var config = AssertValid(result);
        var tracker = Assert.Single(config.Vrrp.Trackers);
        Assert.Equal(("198.18.0.10:80", 2), (tracker.VirtualServer, tracker.MinUp));
        Assert.Equal(tracker.Name, Assert.Single(config.Vrrp.Instances[0].Track).Tracker);
        Assert.Contains(result.Warnings, w => w.Keyword == "quorum");
    }

    public static TheoryData<string, string> UntranslatableInRealServer() => Cases(KeepalivedImportInputs.UntranslatableInRealServer);

    [Theory]
    [MemberData(nameof(UntranslatableInRealServer))]
    public void Import_UntranslatableInRealServer_WarningWithLineAndACommentInTheYaml(string keyword, string name)
    {
        var text = KeepalivedImportInputs.RealServerWith(keyword);
        var result = Import(text);

        AssertValid(result);
        var warning = Assert.Single(result.Warnings, w => w.Keyword == name);
        Assert.Equal(Main, warning.Location.File);
        Assert.Equal(LineOf(text, name), warning.Location.Line);
        Assert.Contains($"# {name} ({Main}:{warning.Location.Line}): not carried over", result.Yaml, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> UntranslatableGlobal() => Cases(KeepalivedImportInputs.UntranslatableGlobal);

    [Theory]
    [MemberData(nameof(UntranslatableGlobal))]
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
    public void Import_SyncGroupWithoutTrackingWeight_WeightsIgnoredAsKeepalivedDoes()
    {
        var (text, _) = KeepalivedImportInputs.RejectedByKeepalived()["SyncGroupWithoutTrackingWeight"];
        var result = Import(text);

        var instance = AssertValid(result).Vrrp.Instances[0];
        // eth1 and the default-weight file: a fault; the weighted script: not tracked (keepalived: "ignoring ... due to SYNC group")
        Assert.Equal([("if-eth1", (int?)null), ("maint", null)], instance.Track.Select(t => (t.Tracker, t.Weight)));
        Assert.Equal(["enable_script_security", "track_interface", "track_script", "track_file"], result.Warnings.Select(w => w.Keyword));
        Assert.All(result.Warnings.Skip(1), w => Assert.Contains("sync_group_tracking_weight", w.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void Import_SyncGroupTrackingWeight_WeightsKeptAndNoWarning()
    {
        var (text, _) = KeepalivedImportInputs.RejectedByKeepalived()["SyncGroupWithoutTrackingWeight"];
        var result = Import(text.Replace("vrrp_sync_group G {\n", "vrrp_sync_group G {\n sync_group_tracking_weight\n", StringComparison.Ordinal));

        var instance = AssertValid(result).Vrrp.Instances[0];
        Assert.Equal([("if-eth1", (int?)-50), ("chk", -20), ("maint", 1)], instance.Track.Select(t => (t.Tracker, t.Weight)));
        Assert.Equal("enable_script_security", Assert.Single(result.Warnings).Keyword);
    }

    [Fact]
    public void Import_TrackersOnTheSyncGroup_OnEveryMemberWithTheirWeights()
    {
        var text = KeepalivedImportInputs.SyncGroupTrackers;
        var result = Import(text);

        var instances = AssertValid(result).Vrrp.Instances;
        // keepalived (sync_group_tracking_init) adds the group's trackers to each member, weights kept even without
        // sync_group_tracking_weight; VI_2's own unweighted chk stays a fault (the group's weight applies only to a weighted one).
        Assert.Equal([("chk", (int?)-30), ("if-eth1", null), ("maint", -10)], instances[0].Track.Select(t => (t.Tracker, t.Weight)));
        Assert.Equal([("chk", (int?)null), ("if-eth1", null), ("maint", -10)], instances[1].Track.Select(t => (t.Tracker, t.Weight)));
        // Carried over with the same meaning: nothing about the group's trackers is listed as an omission.
        Assert.Equal(["enable_script_security"], result.Warnings.Select(w => w.Keyword));
        // Each entry says where it came from.
        Assert.Contains($"keepalived.conf:{LineOf(text, "chk weight -30")}", SourceComments(result.Yaml!, "tracker: chk").First(), StringComparison.Ordinal);
    }

    [Fact]
    public void Import_TrackersOnASyncGroupWithAnAddressOwner_FaultsAsKeepalivedClearsTheWeights()
    {
        var text = KeepalivedImportInputs.SyncGroupTrackers.Replace("priority 150", "priority 255", StringComparison.Ordinal);
        var result = Import(text);

        var instances = AssertValid(result).Vrrp.Instances;
        Assert.All(instances, i => Assert.All(i.Track, t => Assert.Null(t.Weight)));
        Assert.Equal(["chk", "if-eth1", "maint"], instances[0].Track.Select(t => t.Tracker));
    }

    [Fact]
    public void Import_DrRealServersOfFirewallMarkServices_PortZeroInIpvsAndTheChecksProbeThePort()
    {
        var (text, _) = KeepalivedImportInputs.RejectedByKeepalived()["FwmarkDrPorts"];
        var result = Import(text);

        var services = AssertValid(result).VirtualServers;
        Assert.Equal(["marks-fwmark-8", "fwmark-9", "fwmark-10"], services.Select(v => v.Name));
        // keepalived: "has port specified - port will be ignored" / "- clearing": IPVS gets port 0 for DR (as ipvsadm).
        Assert.Equal([0, 0], services[0].RealServers.Select(r => r.Port));
        Assert.Equal(443, services[0].HealthCheck.Port);
        Assert.Equal(0, Assert.Single(services[1].RealServers).Port);
        Assert.Equal(80, services[1].HealthCheck.Port);
        Assert.Equal(0, services[1].SorryServer!.Port);
        // NAT rewrites the port: kept.
        Assert.Equal(8080, Assert.Single(services[2].RealServers).Port);
        Assert.Null(services[2].HealthCheck.Port);
        Assert.Empty(result.Warnings);
    }

    /// <summary>The comments on the output lines that contain <paramref name="needle"/>.</summary>
    private static IEnumerable<string> SourceComments(string yaml, string needle) =>
        yaml.Split('\n').Where(l => l.Contains(needle, StringComparison.Ordinal) && l.Contains('#', StringComparison.Ordinal)).Select(l => l[l.IndexOf('#', StringComparison.Ordinal)..]);

    [Fact]
    public void Import_OnePacketOnATcpService_NotCarriedOverAsKeepalivedResetsIt()
    {
        var (text, _) = KeepalivedImportInputs.RejectedByKeepalived()["OnePacketOnTcp"];
        var result = Import(text);

        Assert.False(AssertValid(result).VirtualServers[0].OnePacket);
        Assert.Equal("ops", Assert.Single(result.Warnings).Keyword);
    }

    [Fact]
    public void Import_PasswordLongerThan8_CutTo8AsKeepalivedDoes()
    {
        var (text, _) = KeepalivedImportInputs.RejectedByKeepalived()["PasswordLongerThan8"];
        var result = Import(text);

        AssertValid(result);
        Assert.Equal("longerth", Scalar(result.Yaml!, "vrrp.instances[0].authentication.password"));
    }

    [Fact]
    public void Import_AddressRangeInVirtualIpaddress_ErrorAsKeepalivedSkipsIt()
    {
        var result = Import(Instance.Replace("198.18.0.10\n", "198.18.0.10\n198.18.0.20-21\n", StringComparison.Ordinal));

        Assert.Null(result.Yaml);
        Assert.Contains("only in a virtual_server_group", Assert.Single(result.Errors).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_NbGetRetry_RetryAsKeepalivedReadsIt()
    {
        var result = Import(KeepalivedImportInputs.NbGetRetry);

        Assert.Equal("2", Scalar(AssertYaml(result), "virtualServers[0].realServers[0].healthChecks[1].retry"));
        AssertValid(result);
    }

    [Fact]
    public void Import_NoProtocol_UdpAsKeepalivedRunsItAndAWarning()
    {
        var text = KeepalivedImportInputs.NoProtocol;
        var result = Import(text);

        Assert.Equal("udp", Scalar(AssertYaml(result), "virtualServers[0].protocol"));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(("virtual_server", LineOf(text, "virtual_server")), (warning.Keyword, warning.Location.Line));
        AssertValid(result);
    }

    public static TheoryData<string, string> UntranslatableInVirtualServer() => Cases(KeepalivedImportInputs.UntranslatableInVirtualServer);

    [Theory]
    [MemberData(nameof(UntranslatableInVirtualServer))]
    public void Import_UntranslatableInVirtualServer_WarningWithLineAndACommentInTheYaml(string keyword, string name)
    {
        var text = KeepalivedImportInputs.ServiceWith(keyword);
        var result = Import(text);

        AssertValid(result);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal((name, LineOf(text, "\n" + keyword) + 1), (warning.Keyword, warning.Location.Line));
        Assert.Contains($"# {name} ({Main}:{warning.Location.Line}): not carried over", result.Yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_AddressListedTwice_TakenOnceWithAWarning()
    {
        // keepalived's own doc/samples/keepalived.conf.vrrp does this; check-config refuses a repeated address.
        var text = Instance.Replace("198.18.0.10\n", "198.18.0.10\n198.18.0.10/32\n", StringComparison.Ordinal);
        var result = Import(text);

        Assert.Single(AssertValid(result).Vrrp.Instances[0].VirtualAddresses);
        Assert.Equal(LineOf(text, "198.18.0.10/32"), Assert.Single(result.Warnings).Location.Line);
    }

    [Fact]
    public void Import_SameInputTwice_SameOutput()
    {
        var text = Instance + Service;

        Assert.Equal(Import(text).Yaml, Import(text).Yaml);
    }
}
