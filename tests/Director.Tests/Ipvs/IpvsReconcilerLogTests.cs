using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static HaDirector.Director.Tests.Ipvs.TestConfigs;

namespace HaDirector.Director.Tests.Ipvs;

/// <summary>What the reconciler's log says while IPVS keeps failing: one line per error, not one per pass.</summary>
public sealed class IpvsReconcilerLogTests : IAsyncDisposable
{
    private static readonly VirtualServerConfig WebServer = Web();
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private const int Passes = 10;

    private readonly FakeIpvsKernel _kernel = new();
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<IpvsReconciler> _logger = new();
    private readonly IpvsReconciler _reconciler;

    public IpvsReconcilerLogTests()
    {
        _reconciler = new IpvsReconciler(_kernel, Config(new IpvsConfig { ReconcilePeriod = Period }, WebServer), _time, _logger);
    }

    public async ValueTask DisposeAsync() => await _reconciler.DisposeAsync();

    private async Task PeriodsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _time.Advance(Period);
            await _reconciler.WhenIdleAsync().WaitAsync(Bound);
        }
    }

    private List<(EventId Id, LogLevel Level, string Message)> Problems =>
        [.. _logger.Entries.Where(e => e.Level >= LogLevel.Warning)];

    [Fact]
    public async Task Period_DumpFailsEveryPass_OneErrorLineWithTheReason()
    {
        await _reconciler.ActivateAsync();
        _kernel.FailDumps = true;
        var dumps = _kernel.Dumps;

        await PeriodsAsync(Passes);

        Assert.Equal(dumps + Passes, _kernel.Dumps);
        var line = Assert.Single(Problems);
        Assert.Equal(3005, line.Id.Id);
        Assert.Contains("IPVS_CMD_GET_SERVICE dump", line.Message);
        Assert.Equal(Passes, _reconciler.Status.FailedPasses);
    }

    [Fact]
    public async Task Period_DumpsWorkAgain_OneRecoveryLineAndANewFailureIsLoggedAgain()
    {
        await _reconciler.ActivateAsync();
        _kernel.FailDumps = true;
        await PeriodsAsync(3);

        _kernel.FailDumps = false;
        await PeriodsAsync(3);
        _kernel.FailDumps = true;
        await PeriodsAsync(3);

        var recovered = Assert.Single(_logger.Entries, e => e.Id.Id == 5200);
        Assert.Contains("3 failed pass", recovered.Message);
        Assert.Equal(2, Problems.Count(e => e.Id.Id == 3005));
    }

    [Fact]
    public async Task Period_BatchThrowsEveryPass_OneErrorLineAndNoPassSummaryAfterTheFirst()
    {
        await _reconciler.ActivateAsync();
        _kernel.ThrowOnExecute = new IpvsErrorException(Errno.ENOBUFS, "IPVS batch", null, null);
        _kernel.EditByHand(KeyOf(WebServer), d => [.. d.Select(x => x with { Weight = 50 })]);
        var before = _logger.Entries.Count;

        await PeriodsAsync(Passes);

        var lines = _logger.Entries.Skip(before).Where(e => e.Level >= LogLevel.Information).ToList();
        Assert.Equal([3006, 3001], lines.Select(e => e.Id.Id));
        Assert.Contains("ENOBUFS", lines[0].Message);
    }

    [Fact]
    public async Task Period_SameEditFailsEveryPass_LoggedOnce()
    {
        _kernel.FailWhen = o => o.Destination?.Address.ToString() == "198.18.1.2" ? Errno.EINVAL : null;
        await _reconciler.ActivateAsync();

        await PeriodsAsync(Passes);

        Assert.Single(Problems, e => e.Id.Id == 3003);
        Assert.Equal(Passes + 1, _kernel.Batches.Count);
    }

    [Fact]
    public async Task Configure_ReloadRemovesEveryVirtualServer_RemovesThemThenStopsThePasses()
    {
        await _reconciler.ActivateAsync();
        Assert.NotEmpty(_kernel.Snapshot().Services);

        _reconciler.Configure(Config(new IpvsConfig { ReconcilePeriod = Period }));
        await _reconciler.WhenIdleAsync().WaitAsync(Bound);
        await PeriodsAsync(1);
        var dumps = _kernel.Dumps;
        await PeriodsAsync(Passes);

        Assert.Empty(_kernel.Snapshot().Services);
        Assert.Equal(dumps, _kernel.Dumps);
        Assert.Single(_logger.Entries, e => e.Id.Id == 5201);
    }

    [Fact]
    public async Task Configure_VirtualServersBackAfterAllWereRemoved_PassesStartAgain()
    {
        await _reconciler.ActivateAsync();
        _reconciler.Configure(Config(new IpvsConfig { ReconcilePeriod = Period }));
        await _reconciler.WhenIdleAsync().WaitAsync(Bound);
        await PeriodsAsync(2);

        _reconciler.Configure(Config(new IpvsConfig { ReconcilePeriod = Period }, WebServer));
        await _reconciler.WhenIdleAsync().WaitAsync(Bound);
        var dumps = _kernel.Dumps;
        await PeriodsAsync(3);

        Assert.Equal(dumps + 3, _kernel.Dumps);
        Assert.NotEmpty(_kernel.Snapshot().Services);
    }
}
