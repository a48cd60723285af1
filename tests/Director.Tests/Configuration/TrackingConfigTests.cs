using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

public sealed class TrackingConfigTests
{
    /// <summary>The issue's example shape, complete.</summary>
    private const string Example = """
        vrrp:
          trackers:
            - { name: proxy,  type: script, command: "pidof haproxy", interval: 2s, timeout: 1s, rise: 2, fall: 3 }
            - { name: uplink, type: interface, interface: eth1 }
            - { name: maint,  type: file, path: /run/hadirector/maint }
            - { name: lb,     type: process, process: haproxy }
            - { name: pool,   type: virtualServer, virtualServer: web, minUp: 2 }
          syncGroups:
            - { name: dual, instances: [web4, web6], notify: { command: /usr/local/sbin/group-notify } }
          instances:
            - name: web4
              interface: eth0
              vrid: 51
              priority: 150
              virtualAddresses: [198.18.10.88/32]
              track:
                - { tracker: proxy, weight: -60 }
                - { tracker: uplink }
                - { tracker: maint, weight: 0 }
              notify: { command: /usr/local/sbin/vip-notify, master: /bin/true, timeout: 5s }
            - name: web6
              interface: eth0
              vrid: 52
              priority: 150
              virtualAddresses: [198.18.10.89/32]
              track: [{ tracker: pool, weight: 20 }, { tracker: lb }]
        virtualServers:
          - { name: web, vip: 198.18.10.88, port: 80, realServers: [{ address: 198.18.20.1 }] }
        """;

    [Fact]
    public void LoadFromText_IssueExample_ReadsEveryKey()
    {
        var result = ConfigLoader.LoadFromText(Example, "t.yaml");

        Assert.Empty(result.Errors);
        var vrrp = result.Config!.Vrrp;
        Assert.Equal(
            new TrackerConfig
            {
                Name = "proxy",
                Type = TrackerType.Script,
                Command = "pidof haproxy",
                Interval = TimeSpan.FromSeconds(2),
                Timeout = TimeSpan.FromSeconds(1),
                Rise = 2,
                Fall = 3,
            },
            vrrp.Trackers[0]);
        Assert.Equal(new TrackerConfig { Name = "uplink", Type = TrackerType.Interface, Interface = "eth1" }, vrrp.Trackers[1]);
        Assert.Equal(new TrackerConfig { Name = "maint", Type = TrackerType.File, Path = "/run/hadirector/maint" }, vrrp.Trackers[2]);
        Assert.Equal(new TrackerConfig { Name = "lb", Type = TrackerType.Process, Process = "haproxy" }, vrrp.Trackers[3]);
        Assert.Equal(new TrackerConfig { Name = "pool", Type = TrackerType.VirtualServer, VirtualServer = "web", MinUp = 2 }, vrrp.Trackers[4]);
        Assert.Equal([new TrackConfig("proxy", -60), new TrackConfig("uplink", null), new TrackConfig("maint", null)], vrrp.Instances[0].Track);
        Assert.Equal(
            new NotifyConfig { Command = "/usr/local/sbin/vip-notify", Master = "/bin/true", Timeout = TimeSpan.FromSeconds(5) },
            vrrp.Instances[0].Notify);
        Assert.Null(vrrp.Instances[1].Notify);
        var group = Assert.Single(vrrp.SyncGroups);
        Assert.Equal("dual", group.Name);
        Assert.Equal(["web4", "web6"], group.Instances);
        Assert.Equal("/usr/local/sbin/group-notify", group.Notify!.Command);
    }

    [Fact]
    public void LoadFromText_RealServerNotify_ReadsUpAndDown()
    {
        var result = ConfigLoader.LoadFromText(
            "vrrp:\n  instances: [{ name: a, interface: eth0, vrid: 1, priority: 100, virtualAddresses: [198.18.10.88/32] }]\n"
                + "virtualServers:\n  - { name: web, vip: 198.18.10.88, port: 80, realServers: [{ address: 198.18.20.1, notifyUp: '/sbin/rs up', notifyDown: /sbin/rs-down }] }\n",
            "t.yaml");

        Assert.Empty(result.Errors);
        var server = Assert.Single(result.Config!.VirtualServers[0].RealServers);
        Assert.Equal("/sbin/rs up", server.NotifyUp);
        Assert.Equal("/sbin/rs-down", server.NotifyDown);
    }

    private const string Instances = """
        vrrp:
          instances:
            - { name: a, interface: eth0, vrid: 1, priority: 100, virtualAddresses: [198.18.10.1/32], track: [{ tracker: up }] }
            - { name: b, interface: eth0, vrid: 2, priority: 100, virtualAddresses: [198.18.10.2/32] }
          trackers:
            - { name: up, type: interface, interface: eth1 }

        """;

    public static TheoryData<string, string, string[]> BrokenFiles => new()
    {
        {
            "tracker not defined",
            "vrrp:\n  instances:\n    - { name: a, interface: eth0, vrid: 1, priority: 100, virtualAddresses: [198.18.10.1/32], track: [{ tracker: proxy }] }\n",
            ["t.yaml:3:114: vrrp.instances[0].track[0].tracker: no tracker is named 'proxy' in vrrp.trackers (none is defined)"]
        },
        {
            "weight beyond 253",
            "vrrp:\n  instances:\n    - { name: a, interface: eth0, vrid: 1, priority: 100, virtualAddresses: [198.18.10.1/32], track: [{ tracker: up, weight: -254 }] }\n"
                + "  trackers: [{ name: up, type: interface, interface: eth1 }]\n",
            ["t.yaml:3:126: vrrp.instances[0].track[0].weight: must be -253..253, got -254"]
        },
        {
            "sync group names an unknown instance",
            Instances + "  syncGroups: [{ name: g, instances: [a, c] }]\n",
            ["t.yaml:7:42: vrrp.syncGroups[0].instances[1]: no instance is named 'c' in vrrp.instances (known: a, b)"]
        },
        {
            "sync group names an instance twice",
            Instances + "  syncGroups: [{ name: g, instances: [a, b, a] }]\n",
            ["t.yaml:7:45: vrrp.syncGroups[0].instances[2]: instance 'a' is already in a sync group at vrrp.syncGroups[0].instances[0]"]
        },
        {
            "two sync groups share an instance",
            Instances + "  syncGroups: [{ name: g, instances: [a, b] }, { name: h, instances: [b, a] }]\n",
            [
                "t.yaml:7:71: vrrp.syncGroups[1].instances[0]: instance 'b' is already in a sync group at vrrp.syncGroups[0].instances[1]",
                "t.yaml:7:74: vrrp.syncGroups[1].instances[1]: instance 'a' is already in a sync group at vrrp.syncGroups[0].instances[0]",
            ]
        },
        {
            "script tracker without a command",
            Instances + "    - { name: s, type: script, interval: 1s }\n",
            ["t.yaml:7:7: vrrp.trackers[1].command: missing required key 'command' for a script tracker"]
        },
        {
            "key of another type",
            Instances + "    - { name: s, type: interface, interface: eth2, rise: 2 }\n",
            ["t.yaml:7:58: vrrp.trackers[1].rise: not used by an interface tracker"]
        },
        {
            "unknown type",
            Instances + "    - { name: s, type: ping }\n",
            ["t.yaml:7:24: vrrp.trackers[1].type: expected one of interface, script, file, process, virtualServer, got 'ping'"]
        },
        {
            "tracker name twice",
            Instances + "    - { name: up, type: file, path: /run/x }\n",
            ["t.yaml:7:15: vrrp.trackers[1].name: name 'up' is already used by vrrp.trackers[0]"]
        },
        {
            "table failure weight is a drop",
            Instances.Replace("track: [{ tracker: up }] }", "track: [{ tracker: up }], tableFailureWeight: 10 }", StringComparison.Ordinal),
            ["t.yaml:3:141: vrrp.instances[0].tableFailureWeight: must be -253..-1, got 10"]
        },
        {
            "the implicit table tracker's name",
            Instances + "    - { name: ipvs-table, type: file, path: /run/x }\n",
            ["t.yaml:7:15: vrrp.trackers[1].name: 'ipvs-table' is reserved for the implicit tracker of the IPVS table (see tableFailureWeight)"]
        },
        {
            "virtual server not defined",
            Instances + "    - { name: pool, type: virtualServer, virtualServer: web }\n",
            ["t.yaml:7:57: vrrp.trackers[1].virtualServer: no virtual server is named 'web' (none is defined)"]
        },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void LoadFromText_BrokenTracking_ReportsFileLineAndField(string name, string yaml, string[] expected)
    {
        _ = name;
        var result = ConfigLoader.LoadFromText(yaml, "t.yaml");

        Assert.Null(result.Config);
        Assert.Equal(expected, result.Errors.Select(e => e.ToString()));
    }
}
