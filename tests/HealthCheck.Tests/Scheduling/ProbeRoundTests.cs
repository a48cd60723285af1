using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Scheduling;

namespace HaDirector.HealthCheck.Tests.Scheduling;

/// <summary>
/// A pass takes an attempt as timed out under the lane's lock and cancels it outside; meanwhile the attempt may
/// answer and its retry begin (retry delay 0). The late cancel must not time the retry out.
/// </summary>
public sealed class ProbeRoundTests
{
    private readonly ProbeRound _round = new(new HealthTarget("t", new IdleProbe(),
        new CheckTiming(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500)), new HealthPolicy(rise: 1, fall: 1)));

    [Fact]
    public void Expire_CurrentAttempt_CancelsIt()
    {
        var token = _round.Arm(1);

        _round.Expire(1);

        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public void Expire_ArrivesAfterTheNextAttemptBegan_NextAttemptKeepsRunning()
    {
        _ = _round.Arm(1);
        var retry = _round.Arm(2);

        _round.Expire(1);

        Assert.False(retry.IsCancellationRequested);
    }

    [Fact]
    public void Arm_AfterAnExpiry_NewAttemptGetsATokenNotCancelled()
    {
        var first = _round.Arm(1);
        _round.Expire(1);

        var second = _round.Arm(2);
        _round.Expire(1);

        Assert.True(first.IsCancellationRequested);
        Assert.False(second.IsCancellationRequested);
    }

    [Fact]
    public void Cancel_Stop_CancelsWhateverAttemptIsArmed()
    {
        _ = _round.Arm(1);
        var current = _round.Arm(2);

        _round.Cancel();

        Assert.True(current.IsCancellationRequested);
    }

    private sealed class IdleProbe : IProbe
    {
        public ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ProbeResult.Success("idle"));
    }
}
