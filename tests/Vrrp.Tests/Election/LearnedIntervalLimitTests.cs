using HaDirector.Vrrp.Election;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>
/// The defence against one forged advert with a long interval (issue 17's fault matrix): RFC 5798 §6.4.2 makes a v3
/// backup adopt the master's interval, so a single packet saying 40.95 s, then silence, leaves the LAN without a
/// master for 3 × 40.95 s. A backup bounds what it adopts by <see cref="VrrpInstanceOptions.LearnedIntervalLimit"/>.
/// </summary>
public sealed class LearnedIntervalLimitTests
{
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    private static VrrpInstanceOptions Limited(byte priority = 100) => V3(priority) with { LearnedIntervalLimit = Limit };

    [Fact]
    public void Advert_ForgedLongestInterval_BackupWaitsAsForTheLimitAndTakesOver()
    {
        var h = new ElectionHarness(Limited());
        h.Start();

        var actions = h.Advert(254, intervalMs: 40_950);

        Assert.Equal([new VrrpAction.LimitLearnedInterval(Peer, TimeSpan.FromMilliseconds(40_950), Limit)], actions);
        Assert.Equal(Limit, h.Machine.MasterAdvertInterval);
        // 3 × 1 s + (156 × 100 cs × 625 / 16) µs, not 3 × 40.95 s + skew.
        Assert.Empty(h.Tick(Us(3_609_375) - OneTick));
        Assert.Equal(VrrpState.Master, h.Tick(OneTick).OfType<VrrpAction.StateChanged>().Single().To);
    }

    [Fact]
    public void Advert_NoLimit_AdoptsTheForgedIntervalAsTheRfcSays()
    {
        var h = new ElectionHarness(V3());
        h.Start();

        Assert.Empty(h.Advert(254, intervalMs: 40_950));

        Assert.Equal(TimeSpan.FromMilliseconds(40_950), h.Machine.MasterAdvertInterval);
        Assert.Empty(h.Tick(TimeSpan.FromSeconds(120)));
        Assert.Equal(VrrpState.Backup, h.Machine.State);
    }

    [Fact]
    public void Advert_IntervalWithinLimit_AdoptedUnchangedAndNothingReported()
    {
        var h = new ElectionHarness(Limited());
        h.Start();

        Assert.Empty(h.Advert(150, intervalMs: 1000));

        Assert.Equal(TimeSpan.FromSeconds(1), h.Machine.MasterAdvertInterval);
    }

    [Fact]
    public void Advert_SameLongIntervalRepeated_ReportedOncePerEpisode()
    {
        var h = new ElectionHarness(Limited());
        h.Start();

        Assert.Single(h.Advert(150, intervalMs: 5000));
        Assert.Empty(h.Advert(150, intervalMs: 5000));
        Assert.Empty(h.Advert(150, intervalMs: 1000));
        Assert.Single(h.Advert(150, intervalMs: 5000));
    }

    [Fact]
    public void Advert_MisconfiguredMasterSlowerThanLimit_BackupStillHearsItInTime()
    {
        // A real master every 2.5 s (under 3 × the limit) keeps a limited backup quiet: the bound only costs a
        // peer whose interval is more than three times the limit.
        var h = new ElectionHarness(Limited());
        h.Start();

        for (var i = 0; i < 10; i++)
        {
            h.Advert(150, intervalMs: 2500);
            Assert.Empty(h.Tick(TimeSpan.FromMilliseconds(2500)));
        }

        Assert.Equal(VrrpState.Backup, h.Machine.State);
    }

    [Fact]
    public void Advert_MasterHearsForgedHigherPriority_StepsDownAndReportsTheLimit()
    {
        var h = new ElectionHarness(Limited());
        h.StartAsMaster();

        var actions = h.Advert(254, intervalMs: 40_950);

        Assert.Equal(VrrpState.Backup, actions.OfType<VrrpAction.StateChanged>().Single().To);
        Assert.Single(actions.OfType<VrrpAction.LimitLearnedInterval>());
        Assert.Equal(Limit, h.Machine.MasterAdvertInterval);
    }

    [Fact]
    public void Validate_LimitShorterThanOwnInterval_Refused()
    {
        var options = V3(intervalMs: 1000) with { LearnedIntervalLimit = TimeSpan.FromMilliseconds(500) };

        Assert.Contains(options.Validate(), e => e.Contains("learnedIntervalLimit", StringComparison.Ordinal));
    }
}
