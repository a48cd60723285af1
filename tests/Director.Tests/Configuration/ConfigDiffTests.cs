using System.Net;
using System.Reflection;
using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

public sealed class ConfigDiffTests
{
    private static readonly VrrpInstanceConfig Web = new()
    {
        Name = "web",
        Interface = "eth0",
        VirtualRouterId = 51,
        Priority = 150,
        VirtualAddresses = [new VirtualAddress(IPAddress.Parse("10.19.166.88"), 32)],
    };

    private static readonly VirtualServerConfig Http = new()
    {
        Name = "http",
        Vip = IPAddress.Parse("10.19.166.88"),
        Port = 80,
        RealServers =
        [
            new RealServerConfig { Address = IPAddress.Parse("10.19.166.119"), Port = 80, Weight = 2 },
            new RealServerConfig { Address = IPAddress.Parse("10.19.166.84"), Port = 80, Weight = 1 },
        ],
    };

    private static readonly DirectorConfig Before = new()
    {
        Vrrp = new VrrpConfig { Instances = [Web] },
        VirtualServers = [Http],
    };

    /// <summary>Every top-level setting and every one of vrrp's set away from its default.</summary>
    private const string Everything = """
        vrrp:
          realtimePriority: 20
          trackers:
            - { name: uplink, type: interface, interface: eth1 }
          syncGroups:
            - { name: dual, instances: [web4, web6] }
          instances:
            - { name: web4, interface: eth0, vrid: 51, priority: 150, virtualAddresses: [198.18.10.88/32], track: [{ tracker: uplink }] }
            - { name: web6, interface: eth0, vrid: 52, priority: 150, virtualAddresses: [198.18.10.89/32] }
        virtualServers:
          - { name: web, vip: 198.18.10.88, port: 80, realServers: [{ address: 198.18.20.1 }] }
        metrics: { listen: "127.0.0.1:9811" }
        control: { socket: /run/hadirector/other.sock }
        ipvs: { reconcilePeriod: 7s }
        logging: { format: json }
        announce:
          vips: [{ address: 198.18.10.80 }]
        """;

    /// <summary>
    /// A reload applies only what ConfigDiff compares (docs/architecture.md): a setting it does not compare would be
    /// answered "no changes" and left as it ran. So each property of <see cref="DirectorConfig"/> and <see cref="VrrpConfig"/>,
    /// put back to its default alone, must show in the diff; a new property fails here until it is compared (applied
    /// live or named restart-only in ConfigReloader).
    /// </summary>
    [Fact]
    public void Compute_AnySettingAloneChanged_IsNeverNoChanges()
    {
        var result = ConfigLoader.LoadFromText(Everything, "t.yaml");
        Assert.Empty(result.Errors);
        var full = result.Config!;

        foreach (var property in typeof(DirectorConfig).GetProperties().Where(p => p.CanWrite && p.Name != nameof(DirectorConfig.Vrrp)))
        {
            var changed = With(full, property, property.GetValue(new DirectorConfig()));
            Assert.False(ConfigDiff.Compute(full, changed).IsEmpty, $"DirectorConfig.{property.Name} changed alone: no changes");
        }

        foreach (var property in typeof(VrrpConfig).GetProperties().Where(p => p.CanWrite))
        {
            var changed = full with { Vrrp = With(full.Vrrp, property, property.GetValue(new VrrpConfig())) };
            Assert.False(ConfigDiff.Compute(full, changed).IsEmpty, $"VrrpConfig.{property.Name} changed alone: no changes");
        }
    }

    /// <summary>A copy of the record with one property set (as `with` would), which must differ from the original.</summary>
    private static T With<T>(T record, PropertyInfo property, object? value)
        where T : class
    {
        Assert.False(Equals(property.GetValue(record), value), $"the fixture leaves {typeof(T).Name}.{property.Name} at its default");
        var copy = (T)typeof(T).GetMethod("<Clone>$")!.Invoke(record, null)!;
        property.SetValue(copy, value);
        return copy;
    }

    [Fact]
    public void Compute_SameConfigBuiltTwice_IsEmpty()
    {
        var first = ConfigLoader.LoadFromText(Yaml(150, 2), "a.yaml").Config!;
        var second = ConfigLoader.LoadFromText(Yaml(150, 2), "b.yaml").Config!;

        var diff = ConfigDiff.Compute(first, second);

        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void Compute_PriorityChanged_ListsOnlyThatInstance()
    {
        var diff = ConfigDiff.Compute(
            ConfigLoader.LoadFromText(Yaml(150, 2), "a.yaml").Config!,
            ConfigLoader.LoadFromText(Yaml(100, 2), "b.yaml").Config!);

        Assert.Equal(Expect(changedInstances: ["web"]), diff);
    }

    [Fact]
    public void Compute_RealServerWeightChanged_ListsOnlyThatVirtualServer()
    {
        var diff = ConfigDiff.Compute(
            ConfigLoader.LoadFromText(Yaml(150, 2), "a.yaml").Config!,
            ConfigLoader.LoadFromText(Yaml(150, 3), "b.yaml").Config!);

        Assert.Equal(Expect(changedVirtualServers: ["web"]), diff);
    }

    [Fact]
    public void Compute_InstanceAddedAndVirtualServerRemoved_ListsEachByName()
    {
        var db = Web with { Name = "db", VirtualRouterId = 52, VirtualAddresses = [new VirtualAddress(IPAddress.Parse("10.19.166.89"), 32)] };
        var after = Before with { Vrrp = new VrrpConfig { Instances = [Web, db] }, VirtualServers = [] };

        var diff = ConfigDiff.Compute(Before, after);

        Assert.Equal(Expect(addedInstances: ["db"], removedVirtualServers: ["http"]), diff);
    }

    [Fact]
    public void Compute_InstanceRenamed_IsOneRemovedAndOneAdded()
    {
        var after = Before with { Vrrp = new VrrpConfig { Instances = [Web with { Name = "www" }] } };

        var diff = ConfigDiff.Compute(Before, after);

        Assert.Equal(Expect(addedInstances: ["www"], removedInstances: ["web"]), diff);
    }

    [Fact]
    public void Compute_ListsReordered_IsEmpty()
    {
        var https = Http with { Name = "https", Port = 443 };
        var before = Before with { VirtualServers = [Http, https] };
        var after = Before with { VirtualServers = [https, Http] };

        Assert.True(ConfigDiff.Compute(before, after).IsEmpty);
    }

    [Fact]
    public void Compute_ExampleDirectorPair_DiffersOnlyInTheInstance()
    {
        var examples = Path.Combine(ConfigLoaderTests.RepositoryRoot(), "deploy", "examples");
        var lb1 = ConfigLoader.Load(Path.Combine(examples, "lb1.yaml")).Config!;
        var lb2 = ConfigLoader.Load(Path.Combine(examples, "lb2.yaml")).Config!;

        var diff = ConfigDiff.Compute(lb1, lb2);

        Assert.Equal(Expect(changedInstances: ["web"]), diff);
    }

    [Fact]
    public void Compute_GlobalSectionsChanged_ListsTheSections()
    {
        var after = Before with
        {
            Metrics = new MetricsConfig { Listen = null },
            Logging = new LoggingConfig { Format = LogFormat.Json },
        };

        var diff = ConfigDiff.Compute(Before, after);

        Assert.Equal(Expect(changedSections: ["metrics", "logging"]), diff);
    }

    [Fact]
    public void Compute_VrrpTrackersSyncGroupsAndRealtimePriorityChanged_ListsEachAsASection()
    {
        var after = Before with
        {
            Vrrp = Before.Vrrp with
            {
                Trackers = [new TrackerConfig { Name = "check", Type = TrackerType.Script, Command = "check" }],
                SyncGroups = [new SyncGroupConfig { Name = "dual", Instances = ["web"] }],
                RealtimePriority = 20,
            },
        };

        var diff = ConfigDiff.Compute(Before, after);

        Assert.Equal(Expect(changedSections: ["vrrp.trackers", "vrrp.syncGroups", "vrrp.realtimePriority"]), diff);
    }

    private static ConfigDiff Expect(
        string[]? addedInstances = null,
        string[]? removedInstances = null,
        string[]? changedInstances = null,
        string[]? addedVirtualServers = null,
        string[]? removedVirtualServers = null,
        string[]? changedVirtualServers = null,
        string[]? changedSections = null) =>
        new(
            [.. addedInstances ?? []],
            [.. removedInstances ?? []],
            [.. changedInstances ?? []],
            [.. addedVirtualServers ?? []],
            [.. removedVirtualServers ?? []],
            [.. changedVirtualServers ?? []],
            [.. changedSections ?? []]);

    private static string Yaml(int priority, int weight) => $$"""
        vrrp:
          instances:
            - { name: web, interface: eth0, vrid: 51, priority: {{priority}}, virtualAddresses: [10.19.166.88/32] }
        virtualServers:
          - name: web
            vip: 10.19.166.88
            port: 80
            healthCheck: { type: http, expectStatus: [200] }
            realServers:
              - { address: 10.19.166.119, weight: {{weight}} }
              - { address: 10.19.166.84 }
        """;
}
