using System.Net;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>
/// DESIGN.md §3 over the fake host's one effect log: on becoming master the IPVS services first, then the VIPs, then
/// GARP (the router told), then the advert (which releases the old holder's copy); on leaving master the VIPs first; a
/// restart over a table already in the kernel writes nothing.
/// </summary>
public sealed class TakeoverOrderTests
{
    private static readonly IPAddress Peer = IPAddress.Parse("198.18.0.2");

    /// <summary>
    /// A started director whose first takeover is held in its IPVS pass (the dump waits for <paramref name="gate"/>),
    /// and the count of kernel effects before that takeover.
    /// </summary>
    private static async Task<(TestDirector Director, int Before)> TakeoverHeldAsync(SemaphoreSlim gate)
    {
        var director = new TestDirector();
        await director.StartAsync();
        director.Kernel.Ipvs.DumpGate = gate;
        var before = director.Kernel.Effects.Count;
        director.Time.Advance(TestDirector.MasterDown);
        Assert.True(await director.Kernel.Ipvs.DumpEntered.WaitAsync(TimeSpan.FromSeconds(10)), "the takeover's IPVS pass");
        return (director, before);
    }

    private static int IndexOf(IReadOnlyList<string> effects, string prefix)
    {
        var index = effects.ToList().FindIndex(e => e.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(index >= 0, $"no effect '{prefix}…' in:\n{string.Join('\n', effects)}");
        return index;
    }

    private static int LastIndexOf(IReadOnlyList<string> effects, string prefix) =>
        effects.ToList().FindLastIndex(e => e.StartsWith(prefix, StringComparison.Ordinal));

    [Fact]
    public async Task BecomingMaster_ServicesThenVipsThenGarpThenAdvert()
    {
        await using var director = new TestDirector();
        await director.StartAsync();

        await director.AdvanceAsync(TestDirector.MasterDown);

        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        var effects = director.Kernel.Effects;
        var lastIpvs = LastIndexOf(effects, "ipvs add");
        Assert.Equal(3, effects.Count(e => e.StartsWith("ipvs add", StringComparison.Ordinal))); // the service and its two real servers
        var vip = IndexOf(effects, "add 198.18.0.100/32 eth0");
        var advert = IndexOf(effects, "advert eth0 vrid 51 priority 150");
        var garp = IndexOf(effects, "garp eth0 198.18.0.100");
        Assert.True(lastIpvs < vip, string.Join('\n', effects));
        Assert.True(vip < garp, string.Join('\n', effects));
        Assert.True(garp < advert, string.Join('\n', effects));
    }

    [Fact]
    public async Task QueuedTakeover_ServicesHeld_NothingAnnouncedOrAdvertisedUntilThenVipGarpAdvertInThatOrder()
    {
        // The lab's lost SYN (docs/lab.md): a takeover waits for its IPVS services; when they came, the advert went out
        // and the GARP only after it, and a stall between the two (74 ms at load 70) let the old holder, released by
        // the advert, drop the VIP while the router still sent to it.
        using var gate = new SemaphoreSlim(0);
        var (held, before) = await TakeoverHeldAsync(gate);
        await using var director = held;
        director.Time.Advance(TimeSpan.FromSeconds(3)); // three advert intervals while the services are held

        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        Assert.True(director.Instance().Runtime.Drained.IsCompleted is false, "the takeover's actions wait for the services");
        var meanwhile = director.Kernel.Effects.Skip(before).ToList();
        Assert.DoesNotContain(meanwhile, e => e.StartsWith("add 198.18.0.100", StringComparison.Ordinal));
        Assert.DoesNotContain(meanwhile, e => e.StartsWith("garp", StringComparison.Ordinal));
        Assert.DoesNotContain(meanwhile, e => e.StartsWith("advert", StringComparison.Ordinal));

        director.Kernel.Ipvs.DumpGate = null;
        gate.Release();
        await director.SettleAsync();

        var effects = director.Kernel.Effects.Skip(before).ToList();
        var lastIpvs = LastIndexOf(effects, "ipvs add");
        var vip = IndexOf(effects, "add 198.18.0.100/32 eth0");
        var garp = IndexOf(effects, "garp eth0 198.18.0.100");
        var advert = IndexOf(effects, "advert eth0 vrid 51 priority 150");
        Assert.True(lastIpvs < vip && vip < garp && garp < advert, string.Join('\n', effects));
        Assert.Single(effects, e => e.StartsWith("advert", StringComparison.Ordinal)); // the held intervals' adverts: one
    }

    [Fact]
    public async Task QueuedTakeover_OutvotedWhileServicesHeld_NoVipNoGarpNoAdvertOfOurs()
    {
        // A higher master appears while the services are programmed: the election leaves Master at once, and the queued
        // takeover must not put the VIP up, point the router at us or advertise the priority it just lost with.
        using var gate = new SemaphoreSlim(0);
        var (held, before) = await TakeoverHeldAsync(gate);
        await using var director = held;

        director.Kernel.Socket("eth0").Deliver(FakeVrrpSocket.Advert(
            new VrrpPacket(VrrpVersion.V3, 51, 200, [IPAddress.Parse("198.18.0.100")], TimeSpan.FromSeconds(1)), Peer));
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == VrrpState.Backup, "the step-down");
        director.Kernel.Ipvs.DumpGate = null;
        gate.Release();
        await director.SettleAsync();

        var effects = director.Kernel.Effects.Skip(before).ToList();
        Assert.DoesNotContain(effects, e => e.StartsWith("add 198.18.0.100", StringComparison.Ordinal));
        Assert.DoesNotContain(effects, e => e.StartsWith("garp", StringComparison.Ordinal));
        Assert.DoesNotContain(effects, e => e.StartsWith("advert", StringComparison.Ordinal));
        Assert.DoesNotContain("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
    }

    [Fact]
    public async Task LeavingMaster_VipsRemovedBeforeServicesDeactivated()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        var before = director.Kernel.Effects.Count;

        // A peer with a higher priority preempts (RFC 5798 §6.4.3): this master goes to Backup.
        director.Kernel.Socket("eth0").Deliver(FakeVrrpSocket.Advert(
            new VrrpPacket(VrrpVersion.V3, 51, 200, [IPAddress.Parse("198.18.0.100")], TimeSpan.FromSeconds(1)), Peer));
        await director.SettleAsync();

        Assert.Equal(VrrpState.Backup, director.Instance().Driver.State);
        await TestDirector.WaitUntilAsync(() => director.Kernel.Effects.Any(e => e.StartsWith("ipvs delete", StringComparison.Ordinal)),
            "the deactivation's IPVS pass"); // in the background
        var leaving = director.Kernel.Effects.Skip(before).ToList();
        Assert.Equal("del 198.18.0.100/32 eth0", leaving[0]);
        Assert.Contains(leaving, e => e.StartsWith("ipvs delete service 198.18.0.100:80/tcp", StringComparison.Ordinal));
        Assert.DoesNotContain(leaving, e => e.StartsWith("garp", StringComparison.Ordinal));
        Assert.DoesNotContain("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
    }

    [Fact]
    public async Task Restart_TableAndVipLeftByACrash_VipRemovedAndTableAdoptedWithoutOneIpvsWrite()
    {
        // What kill -9 of a master leaves: its VIP on the interface and its table in the kernel.
        KernelTable left;
        await using (var first = new TestDirector())
        {
            await first.StartAsync();
            await first.AdvanceAsync(TestDirector.MasterDown);
            left = first.Kernel.Ipvs.Snapshot();
        }

        var restarted = new TestDirector(host: k =>
        {
            k.Ipvs.Load(left);
            k.Links.AddAddress(k.Links.GetLink("eth0")!.Index, IPAddress.Parse("198.18.0.100"), 32);
        });
        await using (restarted)
        {
            await restarted.StartAsync();
            Assert.DoesNotContain("198.18.0.100/32", restarted.Kernel.AddressesOf("eth0")); // before it can be backup
            await restarted.AdvanceAsync(TestDirector.MasterDown);
            await restarted.StopAsync();
        }

        var effects = restarted.Kernel.Effects;
        Assert.DoesNotContain(effects, e => e.StartsWith("ipvs ", StringComparison.Ordinal));
        Assert.Contains("garp eth0 198.18.0.100", effects); // and it took over again, on the table as it was
    }
}
