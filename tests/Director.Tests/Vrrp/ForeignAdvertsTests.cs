using System.Net;
using HaDirector.Director.Vrrp;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>The rate limit of the dropped-advert log under a wall clock that steps (issue 17's clock row).</summary>
public sealed class ForeignAdvertsTests
{
    private static readonly IPAddress Stranger = IPAddress.Parse("198.18.0.1");

    /// <summary>A wall clock set by hand, backwards too (FakeTimeProvider refuses to go back).</summary>
    private sealed class SteppedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static long? Record(ForeignAdverts adverts) =>
        adverts.Record(Stranger, 51, VrrpVersion.V3, VrrpDropReason.AddressListMismatch, claimed: null);

    [Fact]
    public void Record_ClockSteppedBackAnHour_LogsAtOnceThenLimitsAgain()
    {
        var clock = new SteppedClock(new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero));
        var adverts = new ForeignAdverts(clock);
        Assert.Equal(0, Record(adverts));
        clock.Now += TimeSpan.FromSeconds(1);
        Assert.Null(Record(adverts));

        // Before: "now - last line" was negative, below a minute, so nothing was logged for the next hour.
        clock.Now -= TimeSpan.FromHours(1);
        Assert.Equal(1, Record(adverts));
        clock.Now += TimeSpan.FromSeconds(1);
        Assert.Null(Record(adverts));
        clock.Now += TimeSpan.FromMinutes(1);
        Assert.Equal(1, Record(adverts));
    }

    [Fact]
    public void Record_ClockSteppedForwardAnHour_LogsAtOnce()
    {
        var clock = new SteppedClock(new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero));
        var adverts = new ForeignAdverts(clock);
        Assert.Equal(0, Record(adverts));

        clock.Now += TimeSpan.FromHours(1);

        Assert.Equal(0, Record(adverts));
        Assert.Null(Record(adverts));
    }
}
