using System.Net;
using HaDirector.Director.Kernel;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Vrrp;

public sealed class VrrpServiceTests
{
    /// <summary>web as in <see cref="TestDirector.WebYaml"/> (without its virtual server) and api (VRID 52, 198.18.0.101).</summary>
    private static readonly string TwoInstances =
        TestDirector.WebYaml[..TestDirector.WebYaml.IndexOf("virtualServers:", StringComparison.Ordinal)] + """
            - name: api
              interface: eth0
              vrid: 52
              priority: 150
              version: 3
              advertInterval: 1s
              virtualAddresses: [198.18.0.101/32]
        """;

    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");

    [Fact]
    public async Task StartAsync_VipLeftByACrash_RemovedBeforeTheInstanceIsBackup()
    {
        await using var director = new TestDirector(host: k => k.Links.AddAddress(k.Links.GetLink("eth0")!.Index, Vip, 32));

        await director.StartAsync();

        Assert.Equal(["198.18.0.1/24"], director.Kernel.AddressesOf("eth0"));
        Assert.Equal(VrrpState.Backup, director.Instance().Driver.State);
        Assert.Equal("del 198.18.0.100/32 eth0", director.Kernel.Effects[1]); // right after the crash's add
    }

    [Fact]
    public async Task StartAsync_NoInterfaceAddress_FailsNamingTheInterface()
    {
        await using var director = new TestDirector(TestDirector.WebYaml.Replace("eth0", "eth1"), k => k.AddInterface("eth1"));

        var error = await Assert.ThrowsAsync<HostConditionException>(director.StartAsync);

        Assert.Equal("interface 'eth1' has no IPv4 address to send VRRP adverts from (set vrrp.instances[].unicastSource)", error.Message);
    }

    [Fact]
    public async Task LinkDown_MasterGoesToFaultAndReleasesItsVip_LinkUpCompetesAgain()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        await TestDirector.WaitUntilAsync(() => director.Kernel.Watches == 1, "the link watch");

        director.Kernel.SetLink("eth0", up: false);
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == VrrpState.Fault, "Fault");
        await director.SettleAsync();

        Assert.DoesNotContain("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));

        director.Kernel.SetLink("eth0", up: true);
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == VrrpState.Backup, "Backup");
        await director.AdvanceAsync(TestDirector.MasterDown);

        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        Assert.Contains("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
    }

    [Fact]
    public async Task RetireAsync_InstanceDropped_ResignsAndReleasesItsVipOthersUntouched()
    {
        await using var director = new TestDirector(TwoInstances);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        var web = director.Instance("web");
        var before = director.Kernel.Effects.Count;

        var retired = await director.Vrrp.RetireAsync(TestDirector.Load(TwoInstances[..TwoInstances.IndexOf("    - name: api", StringComparison.Ordinal)]));

        Assert.Equal(["api"], retired);
        Assert.Equal(["advert eth0 vrid 52 priority 0 to 224.0.0.18", "del 198.18.0.101/32 eth0"], director.Kernel.Effects.Skip(before));
        Assert.Same(web, Assert.Single(director.Vrrp.Instances));
        Assert.Equal(VrrpState.Master, web.Driver.State);
    }

    [Fact]
    public async Task ApplyAsync_ChangedAndAddedInstances_ChangedKeepsItsStateAndAdvertisesAtOnceUntouchedNotTouched()
    {
        await using var director = new TestDirector(TwoInstances);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        var api = director.Instance("api");
        var before = director.Kernel.Effects.Count;
        var next = TestDirector.Load(TwoInstances.Replace("priority: 150\n      version: 3\n      advertInterval: 1s\n      virtualAddresses: [198.18.0.100/32]",
            "priority: 160\n      version: 3\n      advertInterval: 1s\n      virtualAddresses: [198.18.0.100/32]") + "\n" + """
                - name: db
                  interface: eth0
                  vrid: 53
                  priority: 100
                  version: 3
                  advertInterval: 1s
                  virtualAddresses: [198.18.0.102/32]
            """);

        var (changed, added) = await director.Vrrp.ApplyAsync(next);

        Assert.Equal(["web"], changed);
        Assert.Equal(["db"], added);
        Assert.Same(api, director.Instance("api"));
        Assert.Equal(VrrpState.Master, director.Instance("web").Driver.State);
        Assert.Equal(VrrpState.Backup, director.Instance("db").Driver.State);
        Assert.Equal(["advert eth0 vrid 51 priority 160 to 224.0.0.18"], director.Kernel.Effects.Skip(before));
    }

    [Fact]
    public async Task Check_InterfaceMissing_SaysWhichAndWhose()
    {
        await using var director = new TestDirector();
        await director.StartAsync();

        var problem = director.Vrrp.Check(TestDirector.Load(TestDirector.WebYaml.Replace("eth0", "eth9")));

        Assert.Equal("interface 'eth9' (vrrp.instances[].interface of web) does not exist", problem);
    }

    [Fact]
    public async Task StartAsync_InterfaceMissing_FailsWithAHostConditionNamingIt()
    {
        // A host condition (an IOException) is one log line without a stack trace, not a bug's trace.
        await using var director = new TestDirector(TestDirector.WebYaml.Replace("eth0", "eth9"));

        var error = await Assert.ThrowsAsync<HostConditionException>(director.StartAsync);

        Assert.Equal("interface 'eth9' (vrrp.instances[].interface) does not exist", error.Message);
    }

    [Fact]
    public async Task StopAsync_Master_ResignsWithPriorityZeroThenReleasesTheVip()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        var before = director.Kernel.Effects.Count;

        await director.StopAsync();

        Assert.Equal(["advert eth0 vrid 51 priority 0 to 224.0.0.18", "del 198.18.0.100/32 eth0"], director.Kernel.Effects.Skip(before));
    }
}
