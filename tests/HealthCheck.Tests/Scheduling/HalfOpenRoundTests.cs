using System.Net;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Scheduling;

namespace HaDirector.HealthCheck.Tests.Scheduling;

/// <summary>When a half-open target looks up the source its SYNs leave from (a UDP socket's connect each time), on times the test passes.</summary>
public sealed class HalfOpenRoundTests
{
    private static readonly ProbeEndpoint Endpoint = new(new IPEndPoint(IPAddress.Parse("198.18.0.10"), 80));
    private readonly List<TimeSpan> _lookups = [];
    private TimeSpan _now;

    [Fact]
    public void Answered_TargetKeepsTimingOut_SourceLookedUpAtMostOncePerRecheck()
    {
        var round = Round();

        // Twenty rounds a second apart, none answered: a silent server, or a host that is gone.
        for (var second = 0; second < 20; second++)
        {
            _now = TimeSpan.FromSeconds(second);
            round.ResolveSource(_now);
            round.Answered(ProbeResult.Failure(ProbeReasons.TimedOut), _now);
        }

        // Once at first, again at the first failure, then every RecheckEvery (5 s) while it keeps failing.
        Assert.Equal([0, 1, 7, 13, 19], _lookups.Select(t => (int)t.TotalSeconds));
    }

    [Fact]
    public void Answered_FirstFailureAfterAnswers_SourceLookedUpAgainAtOnce()
    {
        var round = Round();
        foreach (var (second, result) in new[]
        {
            (0, ProbeResult.Success(ProbeReasons.SynAcked)),
            (1, ProbeResult.Success(ProbeReasons.SynAcked)),
            (2, ProbeResult.Failure(ProbeReasons.TimedOut)),
            (3, ProbeResult.Success(ProbeReasons.SynAcked)),
            (4, ProbeResult.Failure(ProbeReasons.TimedOut)),
            (5, ProbeResult.Success(ProbeReasons.SynAcked)),
        })
        {
            _now = TimeSpan.FromSeconds(second);
            round.ResolveSource(_now);
            round.Answered(result, _now);
        }

        // A route or an address may have moved: each first failure looks again at the next attempt.
        Assert.Equal([0, 3, 5], _lookups.Select(t => (int)t.TotalSeconds));
    }

    [Fact]
    public void Answered_Refused_SourceKept()
    {
        var round = Round();
        for (var second = 0; second < 10; second++)
        {
            _now = TimeSpan.FromSeconds(second);
            round.ResolveSource(_now);
            round.Answered(ProbeResult.Failure(ProbeReasons.Refused), _now);
        }

        // The server's reset came back to that source: it is the right one.
        Assert.Equal([TimeSpan.Zero], _lookups);
    }

    private HalfOpenRound Round()
    {
        var target = new HealthTarget("t", new HalfOpenProbe(Endpoint, engine: null), new CheckTiming(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500)), new HealthPolicy(1, 1));
        return new HalfOpenRound(target, lane: null!, Endpoint, _ =>
        {
            _lookups.Add(_now);
            return IPAddress.Parse("198.18.0.1");
        });
    }
}
