using System.Net;
using System.Net.NetworkInformation;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Metrics;
using HaDirector.Director.Vrrp;
using HaDirector.Linux.Packets;
using HaDirector.Vrrp.Election;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>
/// Issue 14: another host claiming our IPv6 VIP by neighbour discovery (an advertisement, or duplicate address detection
/// for it) while we are master is logged, counted and shown, as ARP is for an IPv4 VIP; the IPv4 router beside it is
/// not concerned.
/// </summary>
public sealed class NeighbourConflictTests
{
    private static readonly IPAddress Vip = IPAddress.Parse("2001:2::100");
    private static readonly byte[] OtherMac = [0x02, 0, 0, 0, 0, 0x99];

    private static async Task<TestDirector> MasterAsync(RecordingLoggerFactory loggers, bool master = true)
    {
        var director = Ipv6TakeoverTests.Director(loggers);
        await director.StartAsync();
        if (master)
        {
            await director.AdvanceAsync(TestDirector.MasterDown);
            Assert.Equal(VrrpState.Master, director.Instance("web6").Driver.State);
            await director.AdvanceAsync(VrrpChannel.HandoverGrace);
        }

        return director;
    }

    private static PhysicalAddress OurMac(TestDirector director) => ((HaDirector.Director.Kernel.ILinks)director.Kernel).GetLink("eth1")!.MacAddress;

    /// <summary>An unsolicited advertisement for <paramref name="target"/> from <paramref name="mac"/>, as a foreign node sends it.</summary>
    private static byte[] Advert(IPAddress target, byte[] mac)
    {
        var frame = new byte[NeighbourAdvertisement.Length];
        NeighbourAdvertisement.Write(frame, target, mac, router: false);
        return frame;
    }

    /// <summary>Duplicate address detection for <paramref name="target"/> (RFC 4862 §5.4.2): from ::, no option.</summary>
    private static byte[] Dad(IPAddress target, byte[] mac)
    {
        var frame = new byte[78];
        var destination = IPAddress.Parse("ff02::1:ff00:100").GetAddressBytes();
        frame[0] = 0x33;
        frame[1] = 0x33;
        destination.AsSpan(12).CopyTo(frame.AsSpan(2));
        mac.CopyTo(frame, 6);
        frame[12] = 0x86;
        frame[13] = 0xdd;
        Ipv6Header.Write(frame.AsSpan(14), new byte[16], destination, 58, 24, hopLimit: 255);
        frame[54] = 135;
        target.GetAddressBytes().CopyTo(frame, 62);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(56),
            InternetChecksum.OverIpv6(new byte[16], destination, 58, frame.AsSpan(54)));
        return frame;
    }

    private static List<(LogLevel Level, string Message)> Conflicts(RecordingLoggerFactory loggers) =>
        [.. loggers.Logger.Entries.Where(e => e.Id.Id == 1430).Select(e => (e.Level, e.Message))];

    private static async Task<double?> CountAsync(TestDirector director, string instance) =>
        (await Scrape.OfAsync(director.Registry)).Value($"hadirector_vrrp_address_conflicts_total{{instance=\"{instance}\"}}");

    private static async Task<IReadOnlyList<string>> WarningsAsync(TestDirector director, string instance) =>
        (await director.Status.BuildAsync(CancellationToken.None)).Instances.Single(i => i.Name == instance).Warnings;

    [Fact]
    public async Task AdvertFromAnotherMacForOurIpv6Vip_WhileMaster_LoggedCountedAndWarnedInStatus()
    {
        var loggers = new RecordingLoggerFactory();
        await using var director = await MasterAsync(loggers);
        Assert.Equal(0, await CountAsync(director, "web6"));

        director.Kernel.ReceiveNeighbourDiscovery("eth1", Advert(Vip, OtherMac));

        await ClaimClock.AdvanceUntilAsync(director, () => Conflicts(loggers).Count == 1, "the conflict logged");
        Assert.Equal((LogLevel.Error, "eth1: VIP 2001:2::100 of web6 is claimed by another host, MAC 02:00:00:00:00:99 (neighbour advertisement), "
            + "while this node is master: an address conflict (split brain with a host that does not speak VRRP with us, or a peer whose adverts we do not hear); "
            + "0 more not logged since the last line"), Conflicts(loggers).Single());
        Assert.Equal(1, await CountAsync(director, "web6"));
        Assert.Equal(0, await CountAsync(director, "web4"));
        Assert.Equal(["VIP 2001:2::100 is also claimed by another host, MAC 02:00:00:00:00:99 (neighbour discovery), while this node is master: an address "
            + "conflict (split brain); find that host (a peer whose adverts we do not hear, or one that does not speak VRRP)"], await WarningsAsync(director, "web6"));
        Assert.Empty(await WarningsAsync(director, "web4"));
        Assert.Equal(VrrpState.Master, director.Instance("web6").Driver.State); // logged and shown, no step-down

        await director.AdvanceAsync(TimeSpan.FromSeconds(11));
        Assert.Empty(await WarningsAsync(director, "web6"));
    }

    [Fact]
    public async Task DuplicateAddressDetectionForOurIpv6Vip_WhileMaster_Counted()
    {
        var loggers = new RecordingLoggerFactory();
        await using var director = await MasterAsync(loggers);

        director.Instance("web6").Runtime.Channel.InspectArp(Dad(Vip, OtherMac), OurMac(director));
        await director.AdvanceAsync(VrrpChannel.ClaimWait(director.Instance("web6").Config));

        await TestDirector.WaitUntilAsync(() => Conflicts(loggers).Count == 1, "the conflict logged");
        Assert.Contains("MAC 02:00:00:00:00:99 (duplicate address detection)", Conflicts(loggers).Single().Message, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(director, "web6"));
    }

    [Fact]
    public async Task OurOwnAdvertOrAnotherAddressOrHopLimit64_WhileMaster_Nothing()
    {
        var loggers = new RecordingLoggerFactory();
        await using var director = await MasterAsync(loggers);
        var channel = director.Instance("web6").Runtime.Channel;
        var ours = OurMac(director);
        var routed = Advert(Vip, OtherMac);
        routed[21] = 64; // RFC 4861 §7.1.2: a node ignores an advert that did not come from the link

        channel.InspectArp(Advert(Vip, ours.GetAddressBytes()), ours); // our own announcement, seen by the packet socket
        channel.InspectArp(Advert(IPAddress.Parse("2001:2::7"), OtherMac), ours);
        channel.InspectArp(routed, ours);

        await AssertNothingAsync(director, loggers);
    }

    [Fact]
    public async Task AdvertFromAnotherMac_WhileBackup_Nothing()
    {
        // A backup hears the master's announcements for the VIP: legitimate.
        var loggers = new RecordingLoggerFactory();
        await using var director = await MasterAsync(loggers, master: false);
        Assert.NotEqual(VrrpState.Master, director.Instance("web6").Driver.State);

        director.Instance("web6").Runtime.Channel.InspectArp(Advert(Vip, OtherMac), OurMac(director));

        await AssertNothingAsync(director, loggers);
    }

    private static async Task AssertNothingAsync(TestDirector director, RecordingLoggerFactory loggers)
    {
        await ClaimClock.PastAnyJudgementAsync(director);
        Assert.Empty(Conflicts(loggers));
        Assert.Equal(0, await CountAsync(director, "web6"));
        Assert.Empty(await WarningsAsync(director, "web6"));
    }
}
