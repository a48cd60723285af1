using HaDirector.HealthCheck.Probes;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.HealthCheck.Tests.Probes;

public sealed class ProbeRunnerTests
{
    [Fact]
    public async Task RunAsync_ProbeWaitsPastTheTimeout_IsDownTimedOutAfterExactlyTheTimeout()
    {
        var time = new FakeTimeProvider();
        using var runner = new ProbeRunner(time);

        var pending = runner.RunAsync(new WaitingProbe(), TimeSpan.FromMilliseconds(300));
        time.Advance(TimeSpan.FromMilliseconds(299));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await pending;

        Assert.Equal((false, ProbeReasons.TimedOut, TimeSpan.FromMilliseconds(300)), (result.Up, result.Reason, result.Latency));
    }

    [Fact]
    public async Task RunAsync_AfterATimeout_TheNextProbeGetsAFreshTimeout()
    {
        var time = new FakeTimeProvider();
        using var runner = new ProbeRunner(time);
        var first = runner.RunAsync(new WaitingProbe(), TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        await first;

        var second = runner.RunAsync(new WaitingProbe(), TimeSpan.FromSeconds(1));

        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ProbeReasons.TimedOut, (await second).Reason);
    }

    [Fact]
    public async Task RunAsync_ProbeThrows_IsDownWithTheError()
    {
        using var runner = new ProbeRunner(new FakeTimeProvider());

        var result = await runner.RunAsync(new ThrowingProbe(), TimeSpan.FromSeconds(1));

        Assert.Equal((false, "probe failed: InvalidOperationException: bug"), (result.Up, result.Reason));
    }

    [Fact]
    public async Task RunAsync_StoppingCancelled_IsDownStopped()
    {
        using var runner = new ProbeRunner(new FakeTimeProvider());
        using var stopping = new CancellationTokenSource();

        var pending = runner.RunAsync(new WaitingProbe(), TimeSpan.FromSeconds(1), stopping.Token);
        await stopping.CancelAsync();

        Assert.Equal(ProbeReasons.Stopped, (await pending).Reason);
    }

    private sealed class WaitingProbe : IProbe
    {
        public async ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return ProbeResult.Success("never");
            }
            catch (OperationCanceledException e)
            {
                return ProbeFailure.From(e, cancellationToken);
            }
        }
    }

    private sealed class ThrowingProbe : IProbe
    {
        public ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("bug");
    }
}
