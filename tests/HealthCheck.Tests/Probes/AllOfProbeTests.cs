using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Tests.Probes;

/// <summary>Several URLs of one HTTP check (keepalived's url blocks): each must pass.</summary>
public sealed class AllOfProbeTests
{
    [Fact]
    public async Task ProbeAsync_EveryPartUp_IsUpNamingEachPart()
    {
        var probe = new AllOfProbe([("/health", new Fixed(ProbeResult.Success("HTTP 200"))), ("/ready", new Fixed(ProbeResult.Success("HTTP 204")))]);

        var result = await probe.ProbeAsync(CancellationToken.None);

        Assert.Equal((true, "/health: HTTP 200, /ready: HTTP 204"), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_OnePartDown_IsDownWithThatPartsReason()
    {
        var probe = new AllOfProbe(
        [
            ("/health", new Fixed(ProbeResult.Success("HTTP 200"))),
            ("/ready", new Fixed(ProbeResult.Failure("HTTP 503 (not expected)"))),
            ("/live", new Fixed(ProbeResult.Failure("connection refused"))),
        ]);

        var result = await probe.ProbeAsync(CancellationToken.None);

        Assert.Equal((false, "/ready: HTTP 503 (not expected)"), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_PartsSlow_RunAtOnceNotOneAfterAnother()
    {
        var started = 0;
        var release = new TaskCompletionSource<ProbeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var part = new Gated(() => Interlocked.Increment(ref started), release.Task);
        var probe = new AllOfProbe([("/a", part), ("/b", part)]);

        var running = probe.ProbeAsync(CancellationToken.None).AsTask();

        // Both started before either finished: the check's one timeout bounds each URL, not their sum.
        Assert.Equal(2, Volatile.Read(ref started));
        release.SetResult(ProbeResult.Success("HTTP 200"));
        Assert.True((await running).Up);
    }

    private sealed class Fixed(ProbeResult result) : IProbe
    {
        public ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(result);
    }

    private sealed class Gated(Action onStart, Task<ProbeResult> result) : IProbe
    {
        public ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
        {
            onStart();
            return new ValueTask<ProbeResult>(result);
        }
    }
}
