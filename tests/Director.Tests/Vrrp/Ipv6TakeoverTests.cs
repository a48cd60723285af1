using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>
/// An IPv6 virtual router on the fake host (RFC 5798 §5.1.2, RFC 9568 §8.2): adverts from the link-local address to
/// ff02::12, the VIP added, unsolicited neighbour adverts in the GARP's place, and beside it an IPv4 router with the same
/// VRID on the same interface, which never notices.
/// </summary>
public sealed class Ipv6TakeoverTests
{
    private const string DualStackYaml = """
        vrrp:
          instances:
            - name: web4
              interface: eth1
              vrid: 51
              priority: 150
              advertInterval: 1s
              virtualAddresses: [198.18.0.100/32]
              garp: { repeat: 2, interval: 100ms, refresh: 0s }
            - name: web6
              interface: eth1
              vrid: 51
              priority: 150
              advertInterval: 1s
              virtualAddresses: [2001:2::100]
              garp: { repeat: 2, interval: 100ms, refresh: 0s }
        """;

    private static readonly IPAddress LinkLocal = IPAddress.Parse("fe80::1");
    private static readonly IPAddress Vip = IPAddress.Parse("2001:2::100");

    /// <summary>web4 and web6 on eth1 (also for <see cref="NeighbourConflictTests"/>).</summary>
    internal static TestDirector Director(Microsoft.Extensions.Logging.ILoggerFactory? loggers = null) =>
        new(DualStackYaml, k => k.AddInterface("eth1", "198.18.0.1/24", "fe80::1/64", "2001:2::1/64"), loggers);

    private static async Task<TestDirector> MastersAsync()
    {
        var director = Director();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        Assert.Equal(VrrpState.Master, director.Instance("web6").Driver.State);
        Assert.Equal(VrrpState.Master, director.Instance("web4").Driver.State);
        return director;
    }

    private static byte[] Ipv6Advert(byte priority) => FakeVrrpSocket.Advert(
        new VrrpPacket(VrrpVersion.V3, 51, priority, [Vip], TimeSpan.FromSeconds(1)), IPAddress.Parse("fe80::2"));

    [Fact]
    public async Task BecomingMaster_Ipv6VipThenNeighbourAdvertThenAdvertFromLinkLocalToFf02_12()
    {
        await using var director = await MastersAsync();

        var effects = director.Kernel.Effects.ToList();
        var vip = effects.IndexOf("add 2001:2::100/128 eth1");
        var advert = effects.IndexOf("advert eth1 vrid 51 priority 150 to ff02::12");
        var na = effects.IndexOf("na eth1 2001:2::100");
        Assert.True(vip >= 0 && vip < na && na < advert, string.Join('\n', effects));
        var sent = director.Kernel.Socket("eth1", AddressFamily.InterNetworkV6).Sent[0];
        Assert.Equal((LinkLocal, VrrpCodec.MulticastGroupV6, (byte)255), (sent.Source, sent.Destination, sent.Ttl));
        Assert.Equal([Vip], sent.Packet.Addresses);
        // The IPv4 router with the same VRID has its own socket and its own GARP.
        Assert.Contains("garp eth1 198.18.0.100", effects);
        Assert.Equal(IPAddress.Parse("198.18.0.1"), director.Kernel.Socket("eth1").Sent[0].Source);
    }

    [Fact]
    public async Task HigherPriorityIpv6Advert_OnlyTheIpv6RouterLeavesAndItsVipGoes()
    {
        await using var director = await MastersAsync();
        var before = director.Kernel.Effects.Count;

        director.Kernel.Socket("eth1", AddressFamily.InterNetworkV6).Deliver(Ipv6Advert(200));
        await director.SettleAsync();

        Assert.Equal(VrrpState.Backup, director.Instance("web6").Driver.State);
        Assert.Equal(VrrpState.Master, director.Instance("web4").Driver.State);
        Assert.DoesNotContain("2001:2::100/128", director.Kernel.AddressesOf("eth1"));
        Assert.Contains("198.18.0.100/32", director.Kernel.AddressesOf("eth1"));
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(director.Kernel.Effects.Skip(before), e => e.StartsWith("na ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NeighbourAdvertBurst_RepeatsAsGarpSays_AndStopsAtOnceWhenLeavingMaster()
    {
        // Both routers' bursts: 5 rounds 1 s apart. Only web6 leaves master.
        var yaml = DualStackYaml.Replace("garp: { repeat: 2, interval: 100ms, refresh: 0s }", "garp: { repeat: 5, interval: 1s, refresh: 0s }", StringComparison.Ordinal);
        await using var director = new TestDirector(yaml, k => k.AddInterface("eth1", "198.18.0.1/24", "fe80::1/64", "2001:2::1/64"));
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        int Count(string effect) => director.Kernel.Effects.Count(e => e == effect);
        Assert.Equal(1, Count("na eth1 2001:2::100"));

        await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(2, Count("na eth1 2001:2::100"));
        director.Kernel.Socket("eth1", AddressFamily.InterNetworkV6).Deliver(Ipv6Advert(200));
        await director.SettleAsync();
        for (var second = 0; second < 3; second++)
        {
            // Round by round (each is armed from the previous one): past the burst's last three, short of Master_Down_Interval (3.41 s).
            await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(VrrpState.Backup, director.Instance("web6").Driver.State);
        Assert.Equal(2, Count("na eth1 2001:2::100")); // the three rounds left were cancelled
        Assert.Equal(5, Count("garp eth1 198.18.0.100")); // the IPv4 router, still master, ran its whole burst
    }

    [Fact]
    public async Task LowerPriorityIpv6Advert_MasterAnnouncesItsVipAgain()
    {
        await using var director = await MastersAsync();
        var before = director.Kernel.Effects.Count;

        director.Kernel.Socket("eth1", AddressFamily.InterNetworkV6).Deliver(Ipv6Advert(100));
        await director.SettleAsync();

        Assert.Equal(VrrpState.Master, director.Instance("web6").Driver.State);
        Assert.Contains("na eth1 2001:2::100", director.Kernel.Effects.Skip(before));
    }

    [Fact]
    public async Task Ipv6VipRemovedByAnotherOnTheMaster_AddedBackAndAnnounced()
    {
        await using var director = await MastersAsync();
        await TestDirector.WaitUntilAsync(() => director.Kernel.AddressWatches == 2, "the address watches");
        var before = director.Kernel.Effects.Count;

        director.Kernel.RemoveAddressExternally("eth1", "2001:2::100/128");

        await TestDirector.WaitUntilAsync(() => director.Kernel.Effects.Skip(before).Contains("na eth1 2001:2::100"), "the VIP announced");
        Assert.Contains("2001:2::100/128", director.Kernel.AddressesOf("eth1"));
    }

    [Fact]
    public async Task Start_InterfaceWithoutLinkLocal_RefusedSayingSo()
    {
        await using var director = new TestDirector(DualStackYaml, k => k.AddInterface("eth1", "198.18.0.1/24", "2001:2::1/64"));

        var error = await Assert.ThrowsAnyAsync<Exception>(director.StartAsync);

        Assert.Contains("interface 'eth1' has no IPv6 link-local address to send VRRP adverts from", error.Message, StringComparison.Ordinal);
    }
}
