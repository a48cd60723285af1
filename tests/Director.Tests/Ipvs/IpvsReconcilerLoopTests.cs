using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static HaDirector.Director.Tests.Ipvs.TestConfigs;

namespace HaDirector.Director.Tests.Ipvs;

/// <summary>The reconciler's one loop: the order requests are handled in, the periodic pass on fake time, retries.</summary>
public sealed class IpvsReconcilerLoopTests : IAsyncDisposable
{
    private static readonly VirtualServerConfig WebServer = Web();
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly FakeIpvsKernel _kernel = new();
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<IpvsReconciler> _logger = new();
    private readonly IpvsReconciler _reconciler;

    public IpvsReconcilerLoopTests()
    {
        _reconciler = new IpvsReconciler(_kernel, Config(new IpvsConfig { ReconcilePeriod = Period }, WebServer), _time, _logger);
    }

    public async ValueTask DisposeAsync() => await _reconciler.DisposeAsync();

    private static RealServerId Second => RealServer(WebServer, "198.18.1.2");

    private static DesiredTable WithWeight(uint weight) =>
        DesiredTable.Build([WebServer], new Dictionary<RealServerId, RealServerHealth> { [Second] = RealServerHealth.WithWeight(weight) });

    private bool KernelHolds(DesiredTable desired) => IpvsPlanner.Plan(desired, _kernel.Snapshot(), desired.Keys.ToHashSet()).IsEmpty;

    /// <summary>Starts a full pass on the thread pool and returns once it is inside its dump, held there until the gate opens.</summary>
    private async Task<SemaphoreSlim> HoldAFullPassAsync()
    {
        var gate = new SemaphoreSlim(0);
        _kernel.DumpGate = gate;
        _reconciler.RequestReconcile();
        Assert.True(await _kernel.DumpEntered.WaitAsync(Bound), "the pass never dumped");
        _kernel.DumpGate = null;
        return gate;
    }

    /// <summary>A weight changed by hand, and the next batch that would set it back throws <paramref name="error"/>.</summary>
    private void DriftWithBrokenExecute(Exception error)
    {
        _kernel.ThrowOnExecute = error;
        _kernel.EditByHand(KeyOf(WebServer), d => [.. d.Select(x => x with { Weight = 50 })]);
    }

    [Fact]
    public async Task Period_EachPeriod_OneFullPassOnFakeTime()
    {
        await _reconciler.ActivateAsync();
        var dumps = _kernel.Dumps;

        for (var i = 1; i <= 3; i++)
        {
            _time.Advance(Period);
            await _reconciler.WhenIdleAsync().WaitAsync(Bound);
            Assert.Equal(dumps + i, _kernel.Dumps);
        }
    }

    [Fact]
    public async Task DisposeAsync_ThenPeriodsPass_NoMorePasses()
    {
        await _reconciler.ActivateAsync();
        var dumps = _kernel.Dumps;

        await _reconciler.DisposeAsync();
        _time.Advance(Period * 3);

        Assert.Equal(dumps, _kernel.Dumps);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => _reconciler.ReconcileAsync());
    }

    [Fact]
    public async Task DumpAsync_PostedWhileAPassRuns_AnsweredAfterThePassWithItsEdits()
    {
        await _reconciler.ActivateAsync();
        _kernel.EditByHand(KeyOf(WebServer), d => [.. d.Select(x => x with { Weight = 50 })]);
        using var gate = await HoldAFullPassAsync();

        var dump = _reconciler.DumpAsync();
        Assert.False(dump.IsCompleted);
        gate.Release();
        var table = await dump.WaitAsync(Bound);

        Assert.All(table.Services.Single().Destinations, d => Assert.NotEqual(50u, d.Destination.Weight));
    }

    [Fact]
    public async Task SetHealth_SeveralWhileAPassRuns_AppliedInOrderLastVerdictWins()
    {
        await _reconciler.ActivateAsync();
        using var gate = await HoldAFullPassAsync();

        for (uint weight = 10; weight <= 14; weight++)
        {
            _reconciler.SetHealth(Second, RealServerHealth.WithWeight(weight));
        }

        var batchesWhileHeld = _kernel.Batches.Count;
        gate.Release();
        await _reconciler.WhenIdleAsync().WaitAsync(Bound);

        Assert.Equal(1, batchesWhileHeld);
        Assert.True(KernelHolds(WithWeight(14)), "the last verdict is not in the kernel");
        Assert.Equal(2, _kernel.Batches.Count);
    }

    [Fact]
    public async Task ActivateAndDeactivate_PostedWhileAPassRuns_HandledInTheOrderPosted()
    {
        await _reconciler.ActivateAsync();
        using var gate = await HoldAFullPassAsync();

        var deactivated = _reconciler.DeactivateAsync();
        var idle = _reconciler.WhenIdleAsync();
        gate.Release();
        await deactivated.WaitAsync(Bound);
        await idle.WaitAsync(Bound);

        Assert.Empty(_kernel.Snapshot().Services);
        Assert.Equal(IpvsOperationKind.DeleteService, Assert.Single(_kernel.Batches[^1]).Kind);
        Assert.Equal(IpvsRole.Standby, _reconciler.Status.Role);
    }

    [Fact]
    public async Task WhenIdleAsync_ConcurrentSetHealthFromManyThreads_EveryVerdictInTheKernel()
    {
        var servers = Enumerable.Range(0, 8).Select(i => Web((ushort)(8000 + i))).ToArray();
        await using var reconciler = new IpvsReconciler(_kernel, Config(new IpvsConfig { ReconcilePeriod = Period }, servers), _time, _logger);
        await reconciler.ActivateAsync();
        var verdicts = servers.ToDictionary(s => RealServer(s, "198.18.1.1"), s => RealServerHealth.WithWeight((uint)(s.Port!.Value % 100) + 1));

        await Task.WhenAll(verdicts.Select(v => Task.Run(() => reconciler.SetHealth(v.Key, v.Value))));
        await reconciler.WhenIdleAsync().WaitAsync(Bound);

        Assert.True(IpvsPlanner.Plan(DesiredTable.Build(servers, verdicts), _kernel.Snapshot(), verdicts.Keys.Select(k => k.Service).ToHashSet()).IsEmpty);
        Assert.Equal(verdicts, reconciler.Health);
    }

    [Fact]
    public async Task Period_FailedEditLoggedAndRetriedOnTheNextPass()
    {
        var failing = IPAddress.Parse("198.18.1.2");
        _kernel.FailWhen = o => o.Destination?.Address.Equals(failing) == true ? Errno.ENOMEM : null;
        await _reconciler.ActivateAsync();
        var failedFirst = _reconciler.Status.LastFailedOperations;

        _kernel.FailWhen = _ => null;
        _time.Advance(Period);
        await _reconciler.WhenIdleAsync().WaitAsync(Bound);

        Assert.Equal(1, failedFirst);
        var warning = Assert.Single(_logger.Entries, e => e.Id.Id == 3003);
        Assert.Equal(LogLevel.Warning, warning.Level);
        var retry = Assert.Single(_kernel.Batches[^1]);
        Assert.Equal(IpvsOperationKind.AddDestination, retry.Kind);
        Assert.Equal(failing, retry.Destination!.Address);
        Assert.True(KernelHolds(DesiredTable.Build([WebServer])));
    }

    [Fact]
    public async Task RequestReconcile_BatchThrows_LoggedAndSentAgainOnTheNextPass()
    {
        await _reconciler.ActivateAsync();
        DriftWithBrokenExecute(new InvalidOperationException("kernel seam broke"));

        _reconciler.RequestReconcile();
        await _reconciler.WhenIdleAsync().WaitAsync(Bound);
        _kernel.ThrowOnExecute = null;
        await _reconciler.ReconcileAsync().WaitAsync(Bound);

        Assert.Contains(_logger.Entries, e => e.Id.Id == 3006 && e.Level == LogLevel.Error);
        Assert.Equal(1, _reconciler.Status.FailedPasses);
        Assert.True(KernelHolds(DesiredTable.Build([WebServer])));
    }

    [Fact]
    public async Task RequestReconcile_PassEndsInAnUnexpectedException_LoggedAndTheLoopGoesOn()
    {
        await _reconciler.ActivateAsync();
        DriftWithBrokenExecute(new OperationCanceledException("not a kernel error the pass expects"));

        _reconciler.RequestReconcile();
        await _reconciler.WhenIdleAsync().WaitAsync(Bound);
        _kernel.ThrowOnExecute = null;
        await _reconciler.ReconcileAsync().WaitAsync(Bound);

        Assert.Contains(_logger.Entries, e => e.Id.Id == 3010 && e.Level == LogLevel.Error);
        Assert.True(KernelHolds(DesiredTable.Build([WebServer])));
    }

    [Fact]
    public async Task ReconcileAsync_PassEndsInAnUnexpectedException_ThrownToTheCaller()
    {
        await _reconciler.ActivateAsync();
        DriftWithBrokenExecute(new OperationCanceledException("not a kernel error the pass expects"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _reconciler.ReconcileAsync());
        _kernel.ThrowOnExecute = null;
        await _reconciler.ReconcileAsync().WaitAsync(Bound);

        Assert.True(KernelHolds(DesiredTable.Build([WebServer])));
    }
}
