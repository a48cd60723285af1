using System.Net;
using System.Net.NetworkInformation;
using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Director.Tests.Metrics;
using HaDirector.Director.Vrrp;
using HaDirector.Vrrp.Arp;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>Issue 21 item 1 / issue 15: another host sending ARP for our VIP while we are master is logged, counted and shown.</summary>
public sealed class ArpConflictTests
{
    private static readonly IPAddress OurVip = IPAddress.Parse("198.18.0.100");
    private static readonly PhysicalAddress OtherMac = PhysicalAddress.Parse("02-00-00-00-00-99");
    private static readonly PhysicalAddress OurMac = PhysicalAddress.Parse("02-00-00-00-00-02"); // the fake eth0

    private const string Series = "hadirector_vrrp_address_conflicts_total{instance=\"web\"}";

    private static async Task<TestDirector> MasterAsync(RecordingLoggerFactory loggers)
    {
        var director = new TestDirector(loggers: loggers);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        await director.AdvanceAsync(VrrpChannel.HandoverGrace); // a peer's frames right after a takeover are the handover's
        return director;
    }

    private static List<(LogLevel Level, string Message)> Conflicts(RecordingLoggerFactory loggers) =>
        [.. loggers.Logger.Entries.Where(e => e.Id.Id == 1320).Select(e => (e.Level, e.Message))];

    private static async Task<double?> CountAsync(TestDirector director) => (await Scrape.OfAsync(director.Registry)).Value(Series);

    /// <summary>The conflicts counted so far, without a scrape (for waiting on the claims' judgements).</summary>
    private static double Judged(TestDirector director) => director.Metrics.AddressConflicts.WithLabels("web").Value;

    [Fact]
    public async Task ArpFromAnotherMacForOurVip_WhileMaster_LoggedCountedAndWarnedInStatus()
    {
        var loggers = new RecordingLoggerFactory();
        await using var director = await MasterAsync(loggers);
        Assert.Equal(0, await CountAsync(director)); // exported at 0 from the start

        director.Kernel.ReceiveArp("eth0", GratuitousArp.Build(OtherMac, OurVip));

        await ClaimClock.AdvanceUntilAsync(director, () => Conflicts(loggers).Count == 1, "the conflict logged");
        Assert.Equal((LogLevel.Error, "eth0: VIP 198.18.0.100 of web is claimed by another host, MAC 02:00:00:00:00:99 (ARP request), while this node is master: "
            + "an address conflict (split brain with a host that does not speak VRRP with us, or a peer whose adverts we do not hear); 0 more not logged since the last line"),
            Conflicts(loggers).Single());
        Assert.Equal(1, await CountAsync(director));
        var report = await director.Status.BuildAsync(CancellationToken.None);
        Assert.Equal(["VIP 198.18.0.100 is also claimed by another host, MAC 02:00:00:00:00:99 (ARP), while this node is master: an address conflict "
            + "(split brain); find that host (a peer whose adverts we do not hear, or one that does not speak VRRP)"], report.Instances.Single().Warnings);
        Assert.Equal(VrrpState.Master, director.Instance().Driver.State); // logged and shown, no step-down

        await director.AdvanceAsync(TimeSpan.FromSeconds(11));
        Assert.Empty((await director.Status.BuildAsync(CancellationToken.None)).Instances.Single().Warnings);
    }

    [Fact]
    public async Task ArpFromAnotherMacForOurVip_RightAfterTheTakeover_TheHandoversNotAConflictButAnnouncedAgain()
    {
        // The peer that just stepped down may still have frames for the VIP on the wire (the link-flap test in
        // Integration.Tests saw one once this node's ARP watch survived the flap).
        var loggers = new RecordingLoggerFactory();
        await using var director = new TestDirector(loggers: loggers);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        var runtime = director.Instance().Runtime;
        await director.AdvanceAsync(TimeSpan.FromMilliseconds(500)); // the takeover's burst is over, the grace is not
        var sent = runtime.AnnouncementsSent;

        runtime.Channel.InspectArp(GratuitousArp.Build(OtherMac, OurVip), OurMac);
        await director.AdvanceAsync(VrrpChannel.ClaimWait(director.Instance().Config));

        await TestDirector.WaitUntilAsync(() => runtime.AnnouncementsSent > sent, "our announcement again");
        Assert.Equal((0, 0d), (Conflicts(loggers).Count, await CountAsync(director) ?? 0));
    }

    [Fact]
    public async Task ArpFromAnotherMacForOurVip_WhileMaster_AnnouncedAgain()
    {
        // Issue 17's loss rows: a backup that missed our adverts took over and announced the VIP, and we missed its
        // adverts, so nothing else would bring the router back (before: 5-10 s until its neighbour entry failed).
        var loggers = new RecordingLoggerFactory();
        await using var director = await MasterAsync(loggers);
        await director.AdvanceAsync(TimeSpan.FromSeconds(1)); // the takeover's burst (2 frames) is over
        var runtime = director.Instance().Runtime;
        var sent = runtime.AnnouncementsSent;
        var wait = VrrpChannel.ClaimWait(director.Instance().Config);
        Assert.Equal(TimeSpan.FromSeconds(1), wait); // one advert interval: room for the advert of a peer preempting us

        runtime.Channel.InspectArp(GratuitousArp.Build(OtherMac, OurVip), OurMac);
        await director.AdvanceAsync(wait - TimeSpan.FromTicks(1));
        await Task.Delay(50);
        Assert.Equal(sent, runtime.AnnouncementsSent); // not yet: no advert of a new master was heard, but one may come
        await director.AdvanceAsync(TimeSpan.FromTicks(1));

        await TestDirector.WaitUntilAsync(() => runtime.AnnouncementsSent == sent + 1, "the burst's first announcement");
        await director.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        await TestDirector.WaitUntilAsync(() => runtime.AnnouncementsSent == sent + 2, "the burst's second announcement");
        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
    }

    [Fact]
    public async Task ArpFromAnotherMacForOurVip_ThatHostsHigherAdvertFollows_NoConflictAndNoAnnouncementOfOurs()
    {
        // A peer preempting us announces the VIP just before its first advert (it tells the router before it releases
        // us), and our ARP watch may see the announcement first. Answered at once, it pulled the router back to us as we
        // dropped the VIP, and every preemption logged an address conflict.
        var loggers = new RecordingLoggerFactory();
        await using var director = await MasterAsync(loggers);
        await director.AdvanceAsync(TimeSpan.FromSeconds(1)); // the takeover's burst is over
        var runtime = director.Instance().Runtime;
        var sent = runtime.AnnouncementsSent;

        runtime.Channel.InspectArp(GratuitousArp.Build(OtherMac, OurVip), OurMac);
        director.Kernel.Socket("eth0").Deliver(FakeVrrpSocket.Advert(
            new VrrpPacket(VrrpVersion.V3, 51, 200, [OurVip], TimeSpan.FromSeconds(1)), IPAddress.Parse("198.18.0.2")));
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == VrrpState.Backup, "the step-down");
        await ClaimClock.PastAnyJudgementAsync(director);

        Assert.Equal(sent, runtime.AnnouncementsSent);
        Assert.Empty(Conflicts(loggers));
        Assert.Equal(0, await CountAsync(director));
        Assert.Empty((await director.Status.BuildAsync(CancellationToken.None)).Instances.Single().Warnings);
    }

    [Fact]
    public async Task SecondClaimInsideTheSpacing_AnsweredWhenTheSpacingEnds_NotDropped()
    {
        // The chaos soak's late loss-30 recoveries: under 30 % VRRP loss the backup took over and announced the VIP
        // several times a second; a claim inside the one-burst-a-second spacing was dropped, and the router stayed at
        // the backup's MAC for 6-8 s. Each claim is judged ClaimWait (1 s here) after it came.
        await using var director = await MasterAsync(new RecordingLoggerFactory());
        await director.AdvanceAsync(TimeSpan.FromSeconds(1)); // the takeover's burst is over
        var runtime = director.Instance().Runtime;
        var before = runtime.AnnouncementsSent;

        runtime.Channel.InspectArp(GratuitousArp.Build(OtherMac, OurVip), OurMac); // t = 0
        await director.AdvanceAsync(TimeSpan.FromMilliseconds(600));
        runtime.Channel.InspectArp(GratuitousArp.Build(OtherMac, OurVip), OurMac); // t = 0.6
        await director.AdvanceAsync(TimeSpan.FromMilliseconds(400)); // t = 1.0: the first judged and answered
        await TestDirector.WaitUntilAsync(() => runtime.AnnouncementsSent > before, "the first answer");
        await director.AdvanceAsync(TimeSpan.FromMilliseconds(600)); // t = 1.6: the second judged, inside the spacing
        await TestDirector.WaitUntilAsync(() => Judged(director) == 2, "both claims judged");
        await director.SettleAsync();
        var afterFirst = runtime.AnnouncementsSent;

        await director.AdvanceAsync(TimeSpan.FromMilliseconds(300)); // t = 1.9: still inside
        Assert.Equal(afterFirst, runtime.AnnouncementsSent);

        await director.AdvanceAsync(TimeSpan.FromMilliseconds(200)); // t = 2.1: the spacing ended at 2.0
        await TestDirector.WaitUntilAsync(() => runtime.AnnouncementsSent > afterFirst, "the second claim answered when the spacing ended");
        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
    }

    [Fact]
    public async Task ArpWatch_FailsWhileTheLinkIsDown_OpenedAgainAndStillDetectsAClaim()
    {
        // Issue 17's soak: a link flap failed the watch's packet socket ("Network is down") and the watch ended for good,
        // so the master no longer answered a peer's GARP and the router stayed at the peer's MAC for seconds.
        var loggers = new RecordingLoggerFactory();
        await using var director = await MasterAsync(loggers);
        await TestDirector.WaitUntilAsync(() => director.Kernel.ArpListenerOpens == 1, "the watch listening");
        var opens = director.Kernel.ArpListenerOpens;

        director.Kernel.FailArpListener("eth0", 3);
        await TestDirector.WaitUntilAsync(() => loggers.Logger.Entries.Any(e => e.Id.Id == 1321), "the failure logged");

        // Each retry waits WatchRetry on the injected clock; the watch thread arms that wait a moment after it fails.
        for (var i = 0; i < 100 && director.Kernel.ArpListenerOpens < opens + 3; i++)
        {
            await director.AdvanceAsync(VrrpService.WatchRetry);
            await Task.Delay(20);
        }

        Assert.Equal(opens + 3, director.Kernel.ArpListenerOpens); // opened again after each failure, no more
        director.Kernel.ReceiveArp("eth0", GratuitousArp.Build(OtherMac, OurVip));

        await ClaimClock.AdvanceUntilAsync(director, () => Conflicts(loggers).Count == 1, "the claim detected after the failures");
        Assert.Single(loggers.Logger.Entries, e => e.Id.Id == 1321); // one line for the streak, not one a retry
        Assert.Single(loggers.Logger.Entries, e => e.Id.Id == 2200);
    }

    [Fact]
    public async Task ArpFromAnotherMacForOurVip_ManyClaimsWithinASecond_OneBurstOnly()
    {
        // A split brain: both masters hear each other's announcements. A burst per claim would answer every frame of
        // the other's burst with a burst of ours, for as long as the partition lasts.
        await using var director = await MasterAsync(new RecordingLoggerFactory());
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        var runtime = director.Instance().Runtime;
        var sent = runtime.AnnouncementsSent;

        for (var i = 0; i < 10; i++)
        {
            runtime.Channel.InspectArp(GratuitousArp.Build(OtherMac, OurVip), OurMac);
            await director.AdvanceAsync(TimeSpan.FromMilliseconds(50));
        }

        // Each claim is judged a second after it came (ClaimWait): the first answers, the nine within its second do not.
        await director.AdvanceAsync(TimeSpan.FromMilliseconds(500));
        await TestDirector.WaitUntilAsync(() => runtime.AnnouncementsSent >= sent + 1, "the first claim's burst");
        await director.AdvanceAsync(TimeSpan.FromMilliseconds(500)); // the last claim's second is over
        await TestDirector.WaitUntilAsync(() => Judged(director) == 10, "every claim judged");
        await director.SettleAsync();
        Assert.Equal(sent + 2, runtime.AnnouncementsSent); // one burst of garp.repeat 2

        // Half a second after the first burst: judged a second later, past the spacing.
        runtime.Channel.InspectArp(GratuitousArp.Build(OtherMac, OurVip), OurMac);
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        await TestDirector.WaitUntilAsync(() => runtime.AnnouncementsSent >= sent + 3, "the next second's burst");
    }

    [Fact]
    public async Task RepeatedConflict_OneLineAMinuteWithTheCountNotLogged()
    {
        var loggers = new RecordingLoggerFactory();
        await using var director = await MasterAsync(loggers);
        var channel = director.Instance().Runtime.Channel;

        for (var i = 0; i < 3; i++)
        {
            channel.InspectArp(GratuitousArp.Build(OtherMac, OurVip), OurMac);
            director.Time.Advance(TimeSpan.FromSeconds(1));
            var judged = i + 1;
            await TestDirector.WaitUntilAsync(() => Judged(director) == judged, "the claim judged");
        }

        director.Time.Advance(TimeSpan.FromMinutes(1));
        channel.InspectArp(GratuitousArp.Build(OtherMac, OurVip), OurMac);
        director.Time.Advance(TimeSpan.FromSeconds(1));

        await TestDirector.WaitUntilAsync(() => Conflicts(loggers).Count == 2, "two lines");
        Assert.EndsWith("; 2 more not logged since the last line", Conflicts(loggers)[1].Message, StringComparison.Ordinal);
        Assert.Equal(4, await CountAsync(director));
    }

    [Fact]
    public async Task ArpFromOurOwnMac_WhileMaster_Nothing()
    {
        var loggers = new RecordingLoggerFactory();
        await using var director = await MasterAsync(loggers);

        director.Instance().Runtime.Channel.InspectArp(GratuitousArp.Build(OurMac, OurVip), OurMac);

        await AssertNothingAsync(director, loggers);
    }

    [Fact]
    public async Task ArpFromAnotherMac_WhileBackup_Nothing()
    {
        // A backup hears the master's announcements for the VIP: legitimate.
        var loggers = new RecordingLoggerFactory();
        await using var director = new TestDirector(loggers: loggers);
        await director.StartAsync();
        Assert.NotEqual(VrrpState.Master, director.Instance().Driver.State);

        director.Instance().Runtime.Channel.InspectArp(GratuitousArp.Build(OtherMac, OurVip), OurMac);

        await AssertNothingAsync(director, loggers);
    }

    [Fact]
    public async Task ArpForAnotherAddressOrMalformed_WhileMaster_Nothing()
    {
        var loggers = new RecordingLoggerFactory();
        await using var director = await MasterAsync(loggers);
        var channel = director.Instance().Runtime.Channel;
        var truncated = GratuitousArp.Build(OtherMac, OurVip)[..41];
        var notArp = GratuitousArp.Build(OtherMac, OurVip);
        notArp[13] = 0x00; // ethertype IPv4

        channel.InspectArp(GratuitousArp.Build(OtherMac, IPAddress.Parse("198.18.0.7")), OurMac);
        channel.InspectArp(truncated, OurMac);
        channel.InspectArp(notArp, OurMac);
        channel.InspectArp([], OurMac);

        await AssertNothingAsync(director, loggers);
    }

    private static async Task AssertNothingAsync(TestDirector director, RecordingLoggerFactory loggers)
    {
        await ClaimClock.PastAnyJudgementAsync(director);
        Assert.Empty(Conflicts(loggers));
        Assert.Equal(0, await CountAsync(director));
        Assert.Empty((await director.Status.BuildAsync(CancellationToken.None)).Instances.Single().Warnings);
    }
}
