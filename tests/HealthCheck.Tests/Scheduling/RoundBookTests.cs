using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Scheduling;

namespace HaDirector.HealthCheck.Tests.Scheduling;

/// <summary>The timing rules of every lane, on times the test passes (no clock at all).</summary>
public sealed class RoundBookTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly RoundBook _book = new();

    [Fact]
    public void TakeDue_RoundsAnsweredQuickly_KeepTheirIntervalGrid()
    {
        var round = Round(new CheckTiming(Second, Ms(500)));
        _book.Add(round, Ms(300));

        var starts = new List<TimeSpan>();
        for (var now = TimeSpan.Zero; now < TimeSpan.FromSeconds(3); now += Ms(10))
        {
            if (Take(now) is [var due])
            {
                starts.Add(now);
                Assert.True(_book.Finish(due, up: true, now + Ms(7)));
                _book.Done(due, now + Ms(9));
            }
        }

        Assert.Equal([Ms(300), Ms(1300), Ms(2300)], starts);
        Assert.Equal(0, _book.InProgress);
    }

    [Fact]
    public void TakeDue_TimerLate_NextRoundStillOnTheGrid()
    {
        var round = Round(new CheckTiming(Second, Ms(500)));
        _book.Add(round, Ms(300));

        Assert.Single(Take(Ms(340)));
        Assert.True(_book.Finish(round, up: true, Ms(341)));
        _book.Done(round, Ms(341));

        Assert.Empty(Take(Ms(1299)));
        Assert.Single(Take(Ms(1300)));
    }

    [Fact]
    public void TakeExpired_NoAnswerByTheTimeout_ExpiresOnceAndNotBefore()
    {
        var round = Round(new CheckTiming(Second, Ms(500)));
        _book.Add(round, Ms(100));
        Take(Ms(100));

        Assert.Empty(Expired(Ms(599)));
        Assert.Equal([round], Expired(Ms(600)));
        Assert.True(_book.Finish(round, up: false, Ms(600)));
        _book.Done(round, Ms(600));

        Assert.Empty(Expired(Ms(2000)));
        Assert.Equal(Ms(1100), _book.NextWake);
    }

    [Fact]
    public void TakeExpired_AnsweredInTime_NeverExpires()
    {
        var round = Round(new CheckTiming(Second, Ms(500)));
        _book.Add(round, Ms(100));
        Take(Ms(100));
        Assert.True(_book.Finish(round, up: true, Ms(150)));
        _book.Done(round, Ms(150));

        // The next attempt is in flight when the first one's deadline comes up: that deadline is not its own.
        Take(Ms(1100));
        Assert.Empty(Expired(Ms(1500)));
        Assert.Equal([round], Expired(Ms(1600)));
    }

    [Fact]
    public void Finish_FailedWithRetriesLeft_RetriedAfterTheDelayAndReportedOnce()
    {
        var round = Round(new CheckTiming(Second, Ms(100), retry: 2, retryDelay: Ms(200)));
        _book.Add(round, TimeSpan.Zero);

        var attempts = new List<TimeSpan>();
        var reports = new List<TimeSpan>();
        for (var now = TimeSpan.Zero; now < Ms(1100); now += Ms(10))
        {
            foreach (var expired in Expired(now))
            {
                if (_book.Finish(expired, up: false, now))
                {
                    reports.Add(now);
                    _book.Done(expired, now);
                }
            }

            if (Take(now).Count == 1)
            {
                attempts.Add(now);
            }
        }

        // Three attempts (100 ms timeout, 200 ms apart), one report; the next round keeps the grid.
        Assert.Equal([TimeSpan.Zero, Ms(300), Ms(600), Second], attempts);
        Assert.Equal([Ms(700)], reports);
    }

    [Fact]
    public void Done_RoundOverranItsInterval_NextRoundDueAtOnce()
    {
        var round = Round(new CheckTiming(Second, Ms(900), retry: 1, retryDelay: Ms(300)));
        _book.Add(round, TimeSpan.Zero);
        Take(TimeSpan.Zero);
        Assert.False(_book.Finish(round, up: false, Ms(900)));
        Take(Ms(1200));
        Assert.True(_book.Finish(round, up: false, Ms(2100)));
        _book.Done(round, Ms(2100));

        Assert.Empty(Expired(Ms(2100)));
        Assert.Equal(Ms(2100), _book.NextWake);
        Assert.Single(Take(Ms(2100)));
    }

    [Fact]
    public void TakeDue_TargetRemoved_DroppedAndNotRescheduled()
    {
        var round = Round(new CheckTiming(Second, Ms(500)));
        _book.Add(round, Ms(100));
        round.Target.Removed = true;

        Assert.Empty(Take(Ms(100)));
        Assert.Equal(TimeSpan.MaxValue, _book.NextWake);
    }

    [Fact]
    public void TakeInFlight_Stop_ReturnsTheAttemptsInFlightAndNothingIsLeftInProgress()
    {
        var (a, b) = (Round(new CheckTiming(Second, Ms(500))), Round(new CheckTiming(Second, Ms(500))));
        _book.Add(a, Ms(100));
        _book.Add(b, Ms(200));
        Take(Ms(100));
        Assert.True(_book.Finish(a, up: true, Ms(110)));
        _book.Done(a, Ms(110));
        Take(Ms(200));
        Assert.Equal(1, _book.InProgress);

        var inFlight = new List<ScheduledRound>();
        _book.TakeInFlight(inFlight);

        Assert.Equal([b], inFlight);
        Assert.Equal(0, _book.InProgress);
    }

    [Fact]
    public void TakeDue_MoreDueThanTheLimit_RestWaitInDueOrderAndKeepTheirGrid()
    {
        var limited = new RoundBook(limit: 2);
        var rounds = Enumerable.Range(0, 3).Select(_ => Round(new CheckTiming(Second, Ms(500)))).ToArray();
        for (var i = 0; i < rounds.Length; i++)
        {
            limited.Add(rounds[i], Ms(100 + i));
        }

        var first = new List<ScheduledRound>();
        limited.TakeDue(Ms(200), first);
        Assert.Equal((2, true), (first.Count, limited.Held));

        Assert.True(limited.Finish(rounds[0], up: true, Ms(250)));
        limited.Done(rounds[0], Ms(250));
        var freed = new List<ScheduledRound>();
        limited.TakeDue(Ms(250), freed);

        // The waiting round took the freed slot; its next round is due an interval after it came due, not after it ran.
        Assert.Equal([rounds[2]], freed);
        Assert.False(limited.Held);
        foreach (var round in rounds[1..])
        {
            Assert.True(limited.Finish(round, up: true, Ms(260)));
            limited.Done(round, Ms(260));
        }

        var grid = new List<ScheduledRound>();
        limited.TakeDue(Ms(1101), grid);
        Assert.Equal([rounds[0], rounds[1]], grid);
        foreach (var round in grid)
        {
            Assert.True(limited.Finish(round, up: true, Ms(1101)));
            limited.Done(round, Ms(1101));
        }

        var last = new List<ScheduledRound>();
        limited.TakeDue(Ms(1102), last);
        Assert.Equal([rounds[2]], last);
    }

    [Fact]
    public void TakeExpired_LookedAtLate_GivenOneMoreTimeoutThenExpires()
    {
        var round = Round(new CheckTiming(Second, Ms(500)));
        _book.Add(round, Ms(100));
        Take(Ms(100));

        // Due at 600, looked at 900 ms late: the answer may be waiting unread behind the process's backlog.
        Assert.Equal((0, 1), Late(Ms(1500)));
        Assert.Equal(Ms(2000), _book.NextWake);

        // Once only: still unanswered when the second timeout ends, it times out even if that look is late too.
        Assert.Empty(Expired(Ms(1999)));
        Assert.Equal((1, 0), Late(Ms(2600)));
    }

    [Fact]
    public void TakeExpired_LookedAtWithinTheTolerance_ExpiresAsUsual()
    {
        var round = Round(new CheckTiming(Second, Ms(500)));
        _book.Add(round, Ms(100));
        Take(Ms(100));

        Assert.Equal((1, 0), Late(Ms(650)));
    }

    [Fact]
    public void TakeExpired_AnsweredDuringItsSecondTimeout_NeverExpires()
    {
        var round = Round(new CheckTiming(Second, Ms(500)));
        _book.Add(round, Ms(100));
        Take(Ms(100));
        Late(Ms(1500));

        Assert.True(_book.Finish(round, up: true, Ms(1510)));
        _book.Done(round, Ms(1510));

        Assert.Empty(Expired(Ms(3000)));
        Assert.Equal(Ms(1510), _book.NextWake);
    }

    [Fact]
    public void TakeExpired_TwoTimeouts_EachAttemptExpiresAtItsOwnDeadline()
    {
        var (slow, quick) = (Round(new CheckTiming(Second, Ms(800))), Round(new CheckTiming(Second, Ms(200))));
        _book.Add(slow, Ms(100));
        _book.Add(quick, Ms(300));
        Take(Ms(100));
        Take(Ms(300));

        Assert.Equal(Ms(500), _book.NextWake);
        Assert.Equal([quick], Expired(Ms(500)));
        Assert.Equal(Ms(900), _book.NextWake);
        Assert.Equal([slow], Expired(Ms(900)));
    }

    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    private static ScheduledRound Round(CheckTiming timing) =>
        new(new HealthTarget("t", new NeverProbe(), timing, new HealthPolicy(rise: 1, fall: 1)));

    private List<ScheduledRound> Take(TimeSpan now)
    {
        var due = new List<ScheduledRound>();
        _book.TakeDue(now, due);
        return due;
    }

    private List<ScheduledRound> Expired(TimeSpan now)
    {
        var expired = new List<ScheduledRound>();
        _book.TakeExpired(now, expired);
        return expired;
    }

    /// <summary>A pass at <paramref name="now"/> that gives late looks (over 100 ms) another timeout: (attempts expired, attempts given another).</summary>
    private (int Expired, int Graced) Late(TimeSpan now)
    {
        var expired = new List<ScheduledRound>();
        var graced = _book.TakeExpired(now, expired, tolerance: Ms(100), out _);
        return (expired.Count, graced);
    }

    private sealed class NeverProbe : IProbe
    {
        public ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("the book never probes");
    }
}
