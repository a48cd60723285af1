using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static HaDirector.Director.Tests.Ipvs.TestConfigs;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class IpvsReconcilerTests : IAsyncDisposable
{
    private static readonly VirtualServerConfig WebServer = Web();
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    private readonly FakeIpvsKernel _kernel = new();
    private readonly FakeTimeProvider _time = new();
    private IpvsReconciler? _reconciler;

    public async ValueTask DisposeAsync()
    {
        if (_reconciler is not null)
        {
            await _reconciler.DisposeAsync();
        }
    }

    private IpvsReconciler Create(bool warmStandby = false, params VirtualServerConfig[] virtualServers)
    {
        var config = Config(new IpvsConfig { WarmStandby = warmStandby, ReconcilePeriod = Period }, virtualServers.Length == 0 ? [WebServer] : virtualServers);
        _reconciler = new IpvsReconciler(_kernel, config, _time, NullLogger<IpvsReconciler>.Instance);
        return _reconciler;
    }

    private static DesiredTable DesiredOf(params VirtualServerConfig[] virtualServers) => DesiredTable.Build(virtualServers);

    private void AssertKernelHolds(DesiredTable desired) =>
        Assert.True(IpvsPlanner.Plan(desired, _kernel.Snapshot(), desired.Keys.ToHashSet()).IsEmpty, "kernel differs from the desired table");

    private static KernelTable KernelOf(DesiredTable desired) =>
        new([.. desired.Services.Select(s => KernelService.Of(s.Service, s.Destinations))]);

    [Fact]
    public async Task ActivateAsync_EmptyKernel_ProgramsTableInOneBatch()
    {
        var reconciler = Create();

        await reconciler.ActivateAsync();

        AssertKernelHolds(DesiredOf(WebServer));
        Assert.Single(_kernel.Batches);
        Assert.Equal(3, reconciler.Status.TotalOperations);
        Assert.Equal(IpvsRole.Active, reconciler.Status.Role);
    }

    [Fact]
    public async Task Period_Ipv6DualStackTable_ProgrammedThenDriftRepairedWithoutTouchingIpv4()
    {
        var web6 = WebServer with
        {
            Name = "web6",
            Vip = IPAddress.Parse("2001:2::10"),
            Persistence = TimeSpan.FromMinutes(5),
            PersistenceNetmask = IPAddress.Parse("ffff:ffff:ffff:ffff::"),
            RealServers =
            [
                new RealServerConfig { Address = IPAddress.Parse("2001:2:0:1::1"), Port = 80, Weight = 2 },
                new RealServerConfig { Address = IPAddress.Parse("2001:2:0:1::2"), Port = 80, Weight = 1 },
            ],
        };
        var reconciler = Create(false, WebServer, web6);
        await reconciler.AdoptAsync();
        await reconciler.ActivateAsync();
        var service = _kernel.Snapshot().Services.Single(s => s.Key == KeyOf(web6)).Service;
        _kernel.EditByHand(KeyOf(web6), d => [.. d.Skip(1).Select(x => x with { Weight = 50 })]);

        _time.Advance(Period);
        await reconciler.WhenIdleAsync();

        Assert.Equal((System.Net.Sockets.AddressFamily.InterNetworkV6, (int?)64), (service.Family, service.NetmaskPrefixLength));
        AssertKernelHolds(DesiredOf(WebServer, web6));
        Assert.Equal(
            ["AddDestination [2001:2:0:1::1]:80", "UpdateDestination [2001:2:0:1::2]:80"],
            _kernel.Batches[^1].Select(o => $"{o.Kind} {DestinationKey.Of(o.Destination!)}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReconcileAsync_OneOperationFails_OthersAppliedAndFailureRetriedNextPass()
    {
        var reconciler = Create();
        var failOnce = true;
        _kernel.FailWhen = o =>
        {
            if (failOnce && o.Destination?.Address.Equals(IPAddress.Parse("198.18.1.1")) == true)
            {
                failOnce = false;
                return Errno.ENOMEM;
            }

            return null;
        };

        await reconciler.ActivateAsync();
        var first = reconciler.Status;
        var afterFirst = _kernel.Snapshot();
        await reconciler.ReconcileAsync();

        Assert.Equal(1, first.LastFailedOperations);
        Assert.Equal(IPAddress.Parse("198.18.1.2"), Assert.Single(afterFirst.Services.Single().Destinations).Destination.Address);
        var retry = Assert.Single(_kernel.Batches[1]);
        Assert.Equal(IpvsOperationKind.AddDestination, retry.Kind);
        Assert.Equal(0, reconciler.Status.LastFailedOperations);
        Assert.Equal(1, reconciler.Status.TotalFailedOperations);
        AssertKernelHolds(DesiredOf(WebServer));
    }

    [Fact]
    public async Task Period_WeightChangedByHand_SetBackWithUpdateDestinationOnly()
    {
        var reconciler = Create();
        await reconciler.AdoptAsync();
        await reconciler.ActivateAsync();
        _kernel.EditByHand(KeyOf(WebServer), d => [.. d.Select(x => x with { Weight = 50 })]);

        _time.Advance(Period);
        await reconciler.WhenIdleAsync();

        AssertKernelHolds(DesiredOf(WebServer));
        Assert.All(_kernel.Batches[^1], o => Assert.Equal(IpvsOperationKind.UpdateDestination, o.Kind));
    }

    [Fact]
    public async Task Period_DestinationDeletedByHand_Returns()
    {
        var reconciler = Create();
        await reconciler.AdoptAsync();
        await reconciler.ActivateAsync();
        _kernel.EditByHand(KeyOf(WebServer), d => [.. d.Skip(1)]);

        _time.Advance(Period);
        await reconciler.WhenIdleAsync();

        AssertKernelHolds(DesiredOf(WebServer));
        Assert.Equal(IpvsOperationKind.AddDestination, Assert.Single(_kernel.Batches[^1]).Kind);
    }

    [Fact]
    public async Task Period_ActivatedWithoutAdopt_StillRepairsDrift()
    {
        var reconciler = Create();
        await reconciler.ActivateAsync();
        _kernel.EditByHand(KeyOf(WebServer), d => [.. d.Select(x => x with { Weight = 50 })]);

        _time.Advance(Period);
        await reconciler.WhenIdleAsync();

        AssertKernelHolds(DesiredOf(WebServer));
    }

    [Fact]
    public async Task Configure_ShorterPeriod_NextPassOnTheNewPeriod()
    {
        var reconciler = Create();
        await reconciler.ActivateAsync();
        reconciler.Configure(Config(new IpvsConfig { ReconcilePeriod = TimeSpan.FromSeconds(5) }, WebServer));
        await reconciler.WhenIdleAsync();
        var dumps = _kernel.Dumps;

        _time.Advance(TimeSpan.FromSeconds(5));
        await reconciler.WhenIdleAsync();

        Assert.Equal(dumps + 1, _kernel.Dumps);
    }

    [Fact]
    public async Task Period_BeforeTheFirstPeriod_NoPass()
    {
        var reconciler = Create();
        await reconciler.AdoptAsync();

        _time.Advance(Period - TimeSpan.FromSeconds(1));
        await reconciler.WhenIdleAsync();

        Assert.Equal(1, _kernel.Dumps);
    }

    [Fact]
    public async Task AdoptAsync_DriftedTableWithoutWarmStandby_WritesNothingUntilActivated()
    {
        var desired = DesiredOf(WebServer);
        var drifted = desired.Services[0] with { Destinations = [desired.Services[0].Destinations[0] with { Weight = 9 }, desired.Services[0].Destinations[1]] };
        _kernel.Load(KernelOf(new DesiredTable([drifted])));
        var reconciler = Create();

        await reconciler.AdoptAsync();
        var adopted = reconciler.Status;
        await reconciler.ActivateAsync();

        Assert.Equal(1, adopted.PendingOperations);
        Assert.Equal(IpvsOperationKind.UpdateDestination, Assert.Single(Assert.Single(_kernel.Batches)).Kind);
        AssertKernelHolds(desired);
    }

    [Fact]
    public async Task AdoptAsync_WarmStandby_ProgramsTableAtOnce()
    {
        var reconciler = Create(warmStandby: true);

        await reconciler.AdoptAsync();

        AssertKernelHolds(DesiredOf(WebServer));
    }

    [Fact]
    public async Task DeactivateAsync_WarmStandby_ServicesStayProgrammed()
    {
        var reconciler = Create(warmStandby: true);
        await reconciler.ActivateAsync();

        await reconciler.DeactivateAsync();

        AssertKernelHolds(DesiredOf(WebServer));
        Assert.Single(_kernel.Batches);
    }

    [Fact]
    public async Task DeactivateAsync_NoWarmStandby_OwnedServicesRemovedUnownedKept()
    {
        var foreign = KernelService.Of(IpvsService.ForAddress(IPAddress.Parse("198.18.0.99"), 25), [IpvsDestination.Create(IPAddress.Parse("198.18.1.9"), 25)]);
        _kernel.Load(new KernelTable([foreign]));
        var reconciler = Create();
        await reconciler.ActivateAsync();

        await reconciler.DeactivateAsync();

        Assert.Equal([foreign.Key], _kernel.Snapshot().Services.Select(s => s.Key));
        Assert.Equal([foreign.Service], reconciler.Status.UnownedServices);
    }

    [Fact]
    public async Task ActivateAsync_OneInstancesServices_OnlyThoseProgrammedOthersAdopted()
    {
        var other = Web(443) with { Vip = IPAddress.Parse("198.18.0.20") };
        var reconciler = Create(false, WebServer, other);

        await reconciler.ActivateAsync(ServiceMapping.KeysForVips([WebServer, other], [IPAddress.Parse("198.18.0.10")]));

        Assert.Equal([KeyOf(WebServer)], _kernel.Snapshot().Services.Select(s => s.Key));
        Assert.Equal(IpvsRole.Starting, reconciler.RoleOf(KeyOf(other)));
        Assert.Equal(3, reconciler.Status.PendingOperations);
        Assert.Empty(reconciler.Status.UnownedServices);
    }

    [Fact]
    public async Task DeactivateAsync_OneInstanceOfTwo_RemovesOnlyItsServices()
    {
        var other = Web(443) with { Vip = IPAddress.Parse("198.18.0.20") };
        var reconciler = Create(false, WebServer, other);
        await reconciler.ActivateAsync();

        await reconciler.DeactivateAsync([KeyOf(other)]);

        Assert.Equal([KeyOf(WebServer)], _kernel.Snapshot().Services.Select(s => s.Key));
        Assert.Equal(IpvsRole.Active, reconciler.Role);
        Assert.Equal(IpvsRole.Standby, reconciler.RoleOf(KeyOf(other)));
    }

    [Fact]
    public async Task RequestReconcile_ManyWhileAPassRuns_OneMorePass()
    {
        var reconciler = Create();
        await reconciler.ActivateAsync();
        using var gate = new SemaphoreSlim(0);
        _kernel.DumpGate = gate;
        var passesBefore = reconciler.Status.Passes;

        reconciler.RequestReconcile();
        await _kernel.DumpEntered.WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 5; i++)
        {
            reconciler.RequestReconcile();
        }

        gate.Release(10);
        await reconciler.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(passesBefore + 2, reconciler.Status.Passes);
    }

    [Fact]
    public async Task SetHealth_RealServerRemoved_DeletesOnlyThatDestination()
    {
        var reconciler = Create();
        await reconciler.ActivateAsync();

        reconciler.SetHealth(RealServer(WebServer, "198.18.1.2"), RealServerHealth.Removed);
        await reconciler.WhenIdleAsync();

        var operation = Assert.Single(_kernel.Batches[^1]);
        Assert.Equal(IpvsOperationKind.DeleteDestination, operation.Kind);
        Assert.Equal(IPAddress.Parse("198.18.1.2"), operation.Destination!.Address);
    }

    [Fact]
    public async Task SetHealth_AfterACleanPass_EditsOnlyThatServiceWithoutADump()
    {
        var other = Web(8080);
        var reconciler = Create(false, WebServer, other);
        await reconciler.ActivateAsync();
        var fullDumps = _kernel.Dumps;
        var destinationDumps = _kernel.DestinationDumps;
        var id = RealServer(WebServer, "198.18.1.2");

        reconciler.SetHealth(id, RealServerHealth.WithWeight(7));
        await reconciler.WhenIdleAsync();

        Assert.Equal(fullDumps, _kernel.Dumps);
        Assert.Equal(destinationDumps, _kernel.DestinationDumps);
        var operation = Assert.Single(_kernel.Batches[^1]);
        Assert.Equal(IpvsOperationKind.UpdateDestination, operation.Kind);
        Assert.Equal(7u, operation.Destination!.Weight);
        AssertKernelHolds(DesiredTable.Build([WebServer, other], new Dictionary<RealServerId, RealServerHealth> { [id] = RealServerHealth.WithWeight(7) }));
    }

    [Fact]
    public async Task SetHealth_ReconcilerIdle_EditSentBeforeSetHealthReturns()
    {
        var reconciler = Create();
        await reconciler.ActivateAsync();
        var batches = _kernel.Batches.Count;

        reconciler.SetHealth(RealServer(WebServer, "198.18.1.2"), RealServerHealth.WithWeight(7));

        Assert.Equal(batches + 1, _kernel.Batches.Count);
        var operation = Assert.Single(_kernel.Batches[^1]);
        Assert.Equal(IpvsOperationKind.UpdateDestination, operation.Kind);
        Assert.Equal(7u, operation.Destination!.Weight);
        Assert.Equal(1, reconciler.Status.LastOperations[IpvsOperationKind.UpdateDestination]);
    }

    [Fact]
    public async Task DisposeAsync_Twice_SecondCallReturnsQuietly()
    {
        var reconciler = new IpvsReconciler(_kernel, Config(new IpvsConfig { ReconcilePeriod = Period }, WebServer), _time, NullLogger<IpvsReconciler>.Instance);
        await reconciler.ActivateAsync();

        await reconciler.DisposeAsync();
        await reconciler.DisposeAsync();

        reconciler.SetHealth(RealServer(WebServer, "198.18.1.2"), RealServerHealth.WithWeight(7));
        Assert.Single(_kernel.Batches);
    }

    [Fact]
    public async Task SetHealth_WhileAFullPassRuns_HandedToTheWorkerAndAppliedAfterIt()
    {
        var reconciler = Create();
        await reconciler.ActivateAsync();
        var id = RealServer(WebServer, "198.18.1.2");
        using var gate = new SemaphoreSlim(0);
        _kernel.DumpGate = gate;
        reconciler.RequestReconcile();
        await _kernel.DumpEntered.WaitAsync(TimeSpan.FromSeconds(10));
        var batches = _kernel.Batches.Count;

        reconciler.SetHealth(id, RealServerHealth.WithWeight(7));
        var batchesWhileHeld = _kernel.Batches.Count;
        _kernel.DumpGate = null;
        gate.Release(10);
        await reconciler.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(batches, batchesWhileHeld);
        AssertKernelHolds(DesiredTable.Build([WebServer], new Dictionary<RealServerId, RealServerHealth> { [id] = RealServerHealth.WithWeight(7) }));
    }

    [Fact]
    public async Task SetHealth_DestinationDeletedByHandSinceTheLastPass_FullPassRestoresIt()
    {
        var reconciler = Create();
        await reconciler.ActivateAsync();
        var address = IPAddress.Parse("198.18.1.2");
        _kernel.EditByHand(KeyOf(WebServer), list => [.. list.Where(d => !d.Address.Equals(address))]);
        var id = RealServer(WebServer, "198.18.1.2");

        reconciler.SetHealth(id, RealServerHealth.WithWeight(7));
        await reconciler.WhenIdleAsync();

        Assert.Equal(1, reconciler.Status.TotalFailedOperations);
        AssertKernelHolds(DesiredTable.Build([WebServer], new Dictionary<RealServerId, RealServerHealth> { [id] = RealServerHealth.WithWeight(7) }));
    }

    [Fact]
    public async Task SetHealth_AfterAFailedEdit_NextChangeDumpsAgain()
    {
        var reconciler = Create();
        await reconciler.ActivateAsync();
        _kernel.FailWhen = _ => Errno.ENOMEM;
        reconciler.SetHealth(RealServer(WebServer, "198.18.1.2"), RealServerHealth.WithWeight(7));
        await reconciler.WhenIdleAsync();
        _kernel.FailWhen = _ => null;
        var dumps = _kernel.Dumps;

        reconciler.SetHealth(RealServer(WebServer, "198.18.1.2"), RealServerHealth.WithWeight(8));
        await reconciler.WhenIdleAsync();

        Assert.Equal(dumps + 1, _kernel.Dumps);
        AssertKernelHolds(DesiredTable.Build([WebServer], new Dictionary<RealServerId, RealServerHealth> { [RealServer(WebServer, "198.18.1.2")] = RealServerHealth.WithWeight(8) }));
    }

    [Fact]
    public async Task Drain_AfterACleanPass_EditsOnlyTheMatchingServiceWithoutADump()
    {
        var other = Web(8080);
        var reconciler = Create(false, WebServer, other);
        await reconciler.ActivateAsync();
        var dumps = (_kernel.Dumps, _kernel.DestinationDumps);

        Assert.True(reconciler.Drain(new DrainTarget(IPAddress.Parse("198.18.1.1"), 80)));
        await reconciler.WhenIdleAsync();

        Assert.Equal(dumps, (_kernel.Dumps, _kernel.DestinationDumps));
        var operation = Assert.Single(_kernel.Batches[^1]);
        Assert.Equal(IpvsOperationKind.UpdateDestination, operation.Kind);
        Assert.Equal(0u, operation.Destination!.Weight);
        Assert.Equal(80, operation.Service.Port);
    }

    [Fact]
    public async Task SetHealth_ServiceDeletedByHandSinceTheLastPass_FullPassRestoresIt()
    {
        var reconciler = Create();
        await reconciler.ActivateAsync();
        _kernel.Load(KernelTable.Empty);
        var id = RealServer(WebServer, "198.18.1.2");

        reconciler.SetHealth(id, RealServerHealth.WithWeight(7));
        await reconciler.WhenIdleAsync();
        await reconciler.WhenIdleAsync();

        AssertKernelHolds(DesiredTable.Build([WebServer], new Dictionary<RealServerId, RealServerHealth> { [id] = RealServerHealth.WithWeight(7) }));
    }

    [Fact]
    public async Task SetHealth_LastFullPassOlderThanHalfThePeriod_FullPass()
    {
        var reconciler = Create();
        await reconciler.ActivateAsync();
        var fullDumps = _kernel.Dumps;

        _time.Advance(Period / 2);
        reconciler.SetHealth(RealServer(WebServer, "198.18.1.2"), RealServerHealth.WithWeight(7));
        await reconciler.WhenIdleAsync();

        Assert.Equal(fullDumps + 1, _kernel.Dumps);
    }

    [Fact]
    public async Task SetHealth_ServiceOnStandby_NotWrittenUntilActive()
    {
        var reconciler = Create();
        await reconciler.ActivateAsync();
        await reconciler.DeactivateAsync();
        var batches = _kernel.Batches.Count;

        reconciler.SetHealth(RealServer(WebServer, "198.18.1.2"), RealServerHealth.WithWeight(7));
        await reconciler.WhenIdleAsync();

        Assert.Equal(batches, _kernel.Batches.Count);
        Assert.Empty(_kernel.Snapshot().Services);
    }

    [Fact]
    public async Task Drain_ThenUndrain_WeightZeroThenBack()
    {
        var reconciler = Create();
        await reconciler.ActivateAsync();
        var target = new DrainTarget(IPAddress.Parse("198.18.1.1"));

        Assert.True(reconciler.Drain(target));
        await reconciler.WhenIdleAsync();
        var drained = _kernel.Snapshot().Services.Single().Destinations[0].Destination.Weight;
        Assert.True(reconciler.Undrain(target));
        await reconciler.WhenIdleAsync();

        Assert.Equal(0u, drained);
        AssertKernelHolds(DesiredOf(WebServer));
        Assert.False(reconciler.Undrain(target));
    }

    [Fact]
    public async Task Configure_ServiceDroppedByReload_RemovedFromKernel()
    {
        var https = Web(443);
        var reconciler = Create(false, WebServer, https);
        await reconciler.ActivateAsync();

        reconciler.Configure(Config(new IpvsConfig { ReconcilePeriod = Period }, WebServer));
        await reconciler.WhenIdleAsync();

        Assert.Equal([KeyOf(WebServer)], _kernel.Snapshot().Services.Select(s => s.Key));
    }

    [Fact]
    public async Task ReconcileAsync_DumpFails_CountedAndNothingSent()
    {
        var reconciler = Create();
        _kernel.FailDumps = true;

        await reconciler.ActivateAsync();

        Assert.Equal(1, reconciler.Status.FailedPasses);
        Assert.Empty(_kernel.Batches);
    }

    [Fact]
    public async Task ReconcileAsync_KernelEqualsDesired_NoBatchAndDumpKept()
    {
        _kernel.Load(KernelOf(DesiredOf(WebServer)));
        var reconciler = Create();

        await reconciler.ActivateAsync();

        Assert.Empty(_kernel.Batches);
        Assert.Equal(2, reconciler.Status.LastDump.DestinationCount);
        Assert.Empty(reconciler.Status.LastOperations);
    }
}
