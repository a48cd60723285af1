using System.Net;
using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>
/// Addresses as keepalived holds them (issue 18): one on another interface with a label (<c>dev</c>, <c>label</c>) and
/// excluded ones (<c>virtual_ipaddress_excluded</c>: held by the master, never in its adverts), one of them IPv6 in an
/// IPv4 instance.
/// </summary>
public sealed class VirtualAddressDeviceTests
{
    private const string Addresses = """
              virtualAddresses:
                - 198.18.0.100/32
                - { address: 198.18.2.10/24, dev: eth1, label: "eth1:web" }
              excludedAddresses:
                - 198.18.0.20
                - { address: "2001:2::20/64", dev: eth0 }
        """;

    private static string Yaml(string addresses = Addresses) => $"""
        vrrp:
          instances:
            - name: web
              interface: eth0
              vrid: 51
              priority: 150
              advertInterval: 1s
        {addresses}
              garp: {"{"} repeat: 2, interval: 100ms, refresh: 0s {"}"}
        """;

    private static readonly IPAddress[] Advertised = [IPAddress.Parse("198.18.0.100"), IPAddress.Parse("198.18.2.10")];

    private static TestDirector Director(Action<FakeKernel>? host = null) =>
        new(Yaml(), k =>
        {
            k.AddInterface("eth1", "198.18.2.1/24");
            host?.Invoke(k);
        });

    private static async Task<TestDirector> MasterAsync()
    {
        var director = Director();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        return director;
    }

    [Fact]
    public async Task BecomingMaster_EachAddressOnItsDeviceWithItsLabel_AnnouncedThere()
    {
        await using var director = await MasterAsync();

        var effects = director.Kernel.Effects;
        Assert.Contains("add 198.18.0.100/32 eth0", effects);
        Assert.Contains("add 198.18.2.10/24 eth1 label eth1:web", effects);
        Assert.Contains("add 198.18.0.20/32 eth0", effects);
        Assert.Contains("add 2001:2::20/64 eth0", effects);
        Assert.Contains("198.18.2.10/24", director.Kernel.AddressesOf("eth1"));
        Assert.DoesNotContain("198.18.2.10/24", director.Kernel.AddressesOf("eth0"));
        // Each announced from its own device (its MAC); the IPv6 one by an unsolicited NA.
        Assert.Contains("garp eth1 198.18.2.10", effects);
        Assert.DoesNotContain("garp eth0 198.18.2.10", effects);
        Assert.Contains("garp eth0 198.18.0.20", effects);
        Assert.Contains("na eth0 2001:2::20", effects);
    }

    [Fact]
    public async Task Master_AdvertListsOnlyTheVirtualAddresses()
    {
        await using var director = await MasterAsync();

        var sent = director.Kernel.Socket("eth0").Sent[0];
        Assert.Equal(Advertised, sent.Packet.Addresses);
    }

    [Fact]
    public async Task PeerAdvertListingTheSameVirtualAddresses_AcceptedWithoutDrops_AndEveryAddressLeaves()
    {
        await using var director = await MasterAsync();

        // A keepalived peer with the same virtual_ipaddress and virtual_ipaddress_excluded: its advert lists the first only.
        director.Kernel.Socket("eth0").Deliver(FakeVrrpSocket.Advert(
            new VrrpPacket(VrrpVersion.V3, 51, 200, Advertised, TimeSpan.FromSeconds(1)), IPAddress.Parse("198.18.0.2")));
        await director.SettleAsync();

        Assert.Equal(VrrpState.Backup, director.Instance().Driver.State);
        Assert.Equal(0, Enum.GetValues<VrrpDropReason>().Where(r => r != VrrpDropReason.None)
            .Sum(r => director.Metrics.PacketsDropped.WithLabels("eth0", r.ToString(), "ipv4").Value));
        Assert.Equal(["198.18.0.1/24"], director.Kernel.AddressesOf("eth0"));
        Assert.Equal(["198.18.2.1/24"], director.Kernel.AddressesOf("eth1"));
    }

    [Fact]
    public async Task Start_AddressesLeftByACrashOnEachDevice_Removed()
    {
        await using var director = Director(k =>
        {
            k.Links.AddAddress(k.Links.GetLink("eth1")!.Index, IPAddress.Parse("198.18.2.10"), 24);
            k.Links.AddAddress(k.Links.GetLink("eth0")!.Index, IPAddress.Parse("198.18.0.20"), 32);
        });

        await director.StartAsync();

        Assert.Equal(["198.18.0.1/24"], director.Kernel.AddressesOf("eth0"));
        Assert.Equal(["198.18.2.1/24"], director.Kernel.AddressesOf("eth1"));
    }

    [Fact]
    public async Task AddressOnAnotherDeviceRemovedByAnother_AddedBackThereWithItsLabel()
    {
        await using var director = await MasterAsync();
        await TestDirector.WaitUntilAsync(() => director.Kernel.AddressWatches == 2, "the address watches of eth0 and eth1");
        var before = director.Kernel.Effects.Count;

        director.Kernel.RemoveAddressExternally("eth1", "198.18.2.10/24");

        await TestDirector.WaitUntilAsync(() => director.Kernel.Effects.Skip(before).Contains("garp eth1 198.18.2.10"), "the address announced again");
        Assert.Contains("add 198.18.2.10/24 eth1 label eth1:web", director.Kernel.Effects.Skip(before));
    }

    [Fact]
    public async Task Reload_ExcludedAddressAddedAndRemoved_LabelAndDevChanged_AppliedWithoutATransition()
    {
        await using var director = await MasterAsync();
        var since = director.Instance().Runtime.Since;
        var before = director.Kernel.Effects.Count;

        director.WriteConfig(Yaml("""
                  virtualAddresses:
                    - 198.18.0.100/32
                    - { address: 198.18.2.10/24, dev: eth1, label: "eth1:app" }
                  excludedAddresses:
                    - { address: 198.18.2.21/24, dev: eth1 }
                    - { address: "2001:2::20/64", dev: eth1 }
            """));
        var answer = await director.Reloader.ReloadAsync("test");
        await director.SettleAsync();

        Assert.True(answer.ExitCode == 0, answer.Message);
        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        Assert.Equal(since, director.Instance().Runtime.Since);
        var effects = director.Kernel.Effects.Skip(before).ToList();
        Assert.Contains("add 198.18.2.21/24 eth1", effects);
        Assert.Contains("del 198.18.0.20/32 eth0", effects);
        Assert.Contains("del 2001:2::20/64 eth0", effects);
        Assert.Contains("add 2001:2::20/64 eth1", effects);
        Assert.Contains("del 198.18.2.10/24 eth1", effects);
        Assert.Contains("add 198.18.2.10/24 eth1 label eth1:app", effects);
        Assert.Equal(["198.18.0.1/24", "198.18.0.100/32"], director.Kernel.AddressesOf("eth0"));
        Assert.Equal(["198.18.2.1/24", "198.18.2.10/24", "198.18.2.21/24", "2001:2::20/64"], director.Kernel.AddressesOf("eth1").Order(StringComparer.Ordinal));
        Assert.Contains("na eth1 2001:2::20", effects);
    }

    [Fact]
    public async Task Status_EachAddressWithItsDeviceLabelAndExclusion_MissingCoversExcluded()
    {
        await using var director = await MasterAsync();
        director.Kernel.RemoveAddressExternally("eth0", "198.18.0.20/32", notify: false);

        var report = await director.Status.BuildAsync(CancellationToken.None);

        var instance = Assert.Single(report.Instances);
        Assert.Equal(
            [
                new VirtualAddressStatus("198.18.0.100/32", "eth0", null, false, true),
                new VirtualAddressStatus("198.18.2.10/24", "eth1", "eth1:web", false, true),
                new VirtualAddressStatus("198.18.0.20/32", "eth0", null, true, false),
                new VirtualAddressStatus("2001:2::20/64", "eth0", null, true, true),
            ],
            instance.Addresses);
        Assert.Equal(["198.18.0.100/32", "198.18.2.10/24"], instance.VirtualAddresses);
        Assert.Equal(["198.18.0.20/32"], instance.MissingAddresses);
        Assert.False(instance.HoldsAddresses);
        Assert.Contains("198.18.0.100/32,198.18.2.10/24@eth1[eth1:web],198.18.0.20/32(excluded)(MISSING),2001:2::20/64(excluded)",
            StatusFormatter.Format(report, director.Time.GetUtcNow()), StringComparison.Ordinal);
    }
}
