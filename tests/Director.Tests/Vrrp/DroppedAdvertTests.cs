using System.Net;
using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Director.Tests.Metrics;
using HaDirector.Vrrp.Protocol;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>Issue 21 item 1: a misconfigured peer that splits the VIP is logged and shown, other routers are not noise.</summary>
public sealed class DroppedAdvertTests
{
    private static readonly IPAddress Peer = IPAddress.Parse("198.18.0.2");
    private static readonly IPAddress OurVip = IPAddress.Parse("198.18.0.100");

    private static byte[] Advert(byte vrid, VrrpVersion version, params IPAddress[] vips) =>
        FakeVrrpSocket.Advert(new VrrpPacket(version, vrid, 100, vips, TimeSpan.FromSeconds(1)), Peer);

    private static async Task<double?> ValueAsync(TestDirector director, string series) =>
        (await Scrape.OfAsync(director.Registry)).Value(series);

    [Fact]
    public async Task Dispatch_PeerOnAnotherVridWithOurVip_ErrorLoggedOnceAMinuteWithTheCountNotLogged()
    {
        var loggers = new RecordingLoggerFactory();
        await using var director = new TestDirector(loggers: loggers);
        await director.StartAsync();
        var channel = director.Instance().Runtime.Channel;

        for (var i = 0; i < 3; i++)
        {
            channel.Dispatch(Advert(52, VrrpVersion.V3, OurVip));
            director.Time.Advance(TimeSpan.FromSeconds(1));
        }

        director.Time.Advance(TimeSpan.FromMinutes(1));
        channel.Dispatch(Advert(52, VrrpVersion.V3, OurVip));

        await TestDirector.WaitUntilAsync(() => Claims(loggers).Count == 2, "two log lines");
        Assert.Equal(
            [
                "eth0: VIP 198.18.0.100 of web is also claimed by 198.18.0.2 (VRID 52, VRRPv3, dropped: UnknownVrid): it will be master too (split brain); "
                + "make its vrid, version, virtual addresses and authentication match; 0 more not logged since the last line",
                "eth0: VIP 198.18.0.100 of web is also claimed by 198.18.0.2 (VRID 52, VRRPv3, dropped: UnknownVrid): it will be master too (split brain); "
                + "make its vrid, version, virtual addresses and authentication match; 2 more not logged since the last line",
            ],
            Claims(loggers));
        Assert.Equal(4, await ValueAsync(director, "hadirector_vrrp_vip_claims_total{interface=\"eth0\",family=\"ipv4\"}"));
        Assert.Equal(4, await ValueAsync(director, "hadirector_vrrp_packets_dropped_total{interface=\"eth0\",reason=\"UnknownVrid\",family=\"ipv4\"}"));
    }

    private static List<string> Claims(RecordingLoggerFactory loggers) =>
        [.. loggers.Logger.Entries.Where(e => e.Id.Id == 1301 && e.Level == LogLevel.Error).Select(e => e.Message)];

    [Fact]
    public async Task Dispatch_KeepalivedV2PeerAgainstOurV3_WarningWithSourceAndReason()
    {
        var loggers = new RecordingLoggerFactory();
        await using var director = new TestDirector(loggers: loggers);
        await director.StartAsync();

        director.Instance().Runtime.Channel.Dispatch(Advert(51, VrrpVersion.V2, IPAddress.Parse("198.18.0.150")));

        await TestDirector.WaitUntilAsync(() => loggers.Logger.Entries.Any(e => e.Id.Id == 1300), "the drop logged");
        Assert.Equal((LogLevel.Warning, "eth0: dropped VRRP adverts from 198.18.0.2 (VRID 51, VRRPv2): VersionMismatch; 0 more not logged since the last line (one line a minute)"),
            loggers.Logger.Entries.Where(e => e.Id.Id == 1300).Select(e => (e.Level, e.Message)).Single());
    }

    [Fact]
    public async Task Dispatch_AnotherRouterWithItsOwnVridAndVips_CountedApartFromDrops()
    {
        await using var director = new TestDirector();
        await director.StartAsync();

        director.Instance().Runtime.Channel.Dispatch(Advert(60, VrrpVersion.V3, IPAddress.Parse("198.18.0.200")));

        Assert.Equal(1, await ValueAsync(director, "hadirector_vrrp_foreign_adverts_total{interface=\"eth0\",family=\"ipv4\"}"));
        // Present from the start at 0 (every drop reason is exported at once), and not moved by another router.
        Assert.Equal(0, await ValueAsync(director, "hadirector_vrrp_packets_dropped_total{interface=\"eth0\",reason=\"UnknownVrid\",family=\"ipv4\"}"));
        Assert.Equal(0, await ValueAsync(director, "hadirector_vrrp_vip_claims_total{interface=\"eth0\",family=\"ipv4\"}"));
        var report = await director.Status.BuildAsync(CancellationToken.None);
        Assert.Empty(report.Instances.Single().Warnings);
        var seen = report.VrrpInterfaces.Single().DroppedAdverts.Single();
        Assert.Equal(("198.18.0.2", 60, 3, "UnknownVrid", (string?)null, true), (seen.Source, seen.Vrid, seen.Version, seen.Reason, seen.ClaimedAddress, seen.ForeignRouter));
    }

    [Fact]
    public async Task Status_PeerWithAnotherAddressListForOurVip_WarnsWhileHeardAndKeepsTheAdvertListed()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        var channel = director.Instance().Runtime.Channel;

        channel.Dispatch(Advert(51, VrrpVersion.V3, OurVip, IPAddress.Parse("198.18.0.101")));
        channel.Dispatch(Advert(51, VrrpVersion.V3, OurVip, IPAddress.Parse("198.18.0.101")));
        var report = await director.Status.BuildAsync(CancellationToken.None);

        var seen = report.VrrpInterfaces.Single(i => i.Name == "eth0").DroppedAdverts.Single();
        Assert.Equal(("198.18.0.2", 51, 3, "AddressCountMismatch", "198.18.0.100", 2L, director.Time.GetUtcNow()),
            (seen.Source, seen.Vrid, seen.Version, seen.Reason, seen.ClaimedAddress, seen.Count, seen.LastSeen));
        Assert.Equal(
            ["VIP 198.18.0.100 is also claimed by 198.18.0.2 (VRID 51, VRRPv3, dropped: AddressCountMismatch): it is master too (split brain); "
                + "make its vrid, version, virtual addresses and authentication match"],
            report.Instances.Single().Warnings);
        var text = StatusFormatter.Format(report, director.Time.GetUtcNow());
        Assert.Contains("WARNING web: VIP 198.18.0.100 is also claimed by 198.18.0.2", text);
        Assert.Contains("CLAIMS OUR VIP 198.18.0.100", text);

        await director.AdvanceAsync(TimeSpan.FromSeconds(11)); // and, hearing no valid advert, master too: the split
        report = await director.Status.BuildAsync(CancellationToken.None);
        Assert.Empty(report.Instances.Single().Warnings);
        Assert.Single(report.VrrpInterfaces.Single().DroppedAdverts);
    }
}
