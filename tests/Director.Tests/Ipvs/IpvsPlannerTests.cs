using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Linux.Netlink.Ipvs;
using static HaDirector.Director.Tests.Ipvs.TestConfigs;

namespace HaDirector.Director.Tests.Ipvs;

public sealed partial class IpvsPlannerTests
{
    private static readonly VirtualServerConfig WebServer = Web();

    private static KernelTable KernelOf(DesiredTable desired) =>
        new([.. desired.Services.Select(s => KernelService.Of(s.Service, s.Destinations))]);

    private static IpvsPlan Plan(DesiredTable desired, KernelTable kernel, params VirtualServerConfig[] owned) =>
        IpvsPlanner.Plan(desired, kernel, Owned(owned));

    [Fact]
    public void Plan_EmptyKernel_AddsServiceThenItsDestinations()
    {
        var desired = DesiredTable.Build([WebServer]);

        var plan = Plan(desired, KernelTable.Empty, WebServer);

        Assert.Equal(
            [IpvsOperationKind.AddService, IpvsOperationKind.AddDestination, IpvsOperationKind.AddDestination],
            plan.Operations.Select(o => o.Kind));
        Assert.Equal([2u, 1u], plan.Operations.Skip(1).Select(o => o.Destination!.Weight));
    }

    [Fact]
    public void Plan_KernelEqualsDesired_NoOperations()
    {
        var desired = DesiredTable.Build([WebServer, Web(443)]);

        var plan = Plan(desired, KernelOf(desired), WebServer, Web(443));

        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void Plan_WeightChanged_OnlyUpdateDestination()
    {
        var kernel = KernelOf(DesiredTable.Build([WebServer]));
        var changed = WebServer with { RealServers = [WebServer.RealServers[0] with { Weight = 5 }, WebServer.RealServers[1]] };

        var plan = Plan(DesiredTable.Build([changed]), kernel, WebServer);

        var operation = Assert.Single(plan.Operations);
        Assert.Equal(IpvsOperationKind.UpdateDestination, operation.Kind);
        Assert.Equal(IPAddress.Parse("198.18.1.1"), operation.Destination!.Address);
        Assert.Equal(5u, operation.Destination.Weight);
    }

    [Fact]
    public void Plan_ForwardingChanged_UpdateDestinationNotDeleteAndAdd()
    {
        var kernel = KernelOf(DesiredTable.Build([WebServer]));
        var changed = WebServer with { Forwarding = IpvsForwardingMethod.Masquerade };

        var plan = Plan(DesiredTable.Build([changed]), kernel, WebServer);

        Assert.All(plan.Operations, o => Assert.Equal(IpvsOperationKind.UpdateDestination, o.Kind));
        Assert.Equal(2, plan.Operations.Count);
    }

    [Fact]
    public void Plan_RealServerRemovedFromConfig_OnlyDeleteDestination()
    {
        var kernel = KernelOf(DesiredTable.Build([WebServer]));
        var fewer = WebServer with { RealServers = [WebServer.RealServers[0]] };

        var plan = Plan(DesiredTable.Build([fewer]), kernel, WebServer);

        var operation = Assert.Single(plan.Operations);
        Assert.Equal(IpvsOperationKind.DeleteDestination, operation.Kind);
        Assert.Equal(IPAddress.Parse("198.18.1.2"), operation.Destination!.Address);
    }

    [Fact]
    public void Plan_NewServiceBesideExistingOne_AddsOnlyTheNewService()
    {
        var kernel = KernelOf(DesiredTable.Build([WebServer]));
        var https = Web(443);

        var plan = Plan(DesiredTable.Build([WebServer, https]), kernel, WebServer, https);

        Assert.Equal(
            [IpvsOperationKind.AddService, IpvsOperationKind.AddDestination, IpvsOperationKind.AddDestination],
            plan.Operations.Select(o => o.Kind));
        Assert.All(plan.Operations, o => Assert.Equal(443, o.Service.Port));
    }

    [Fact]
    public void Plan_SchedulerChanged_UpdateServiceOnly()
    {
        var kernel = KernelOf(DesiredTable.Build([WebServer]));

        var plan = Plan(DesiredTable.Build([WebServer with { Scheduler = "rr" }]), kernel, WebServer);

        var operation = Assert.Single(plan.Operations);
        Assert.Equal(IpvsOperationKind.UpdateService, operation.Kind);
        Assert.Equal("rr", operation.Service.Scheduler);
    }

    [Fact]
    public void Plan_PersistenceChanged_UpdateServiceWithFlagTimeoutAndNetmask()
    {
        var kernel = KernelOf(DesiredTable.Build([WebServer]));
        var sticky = WebServer with { Persistence = TimeSpan.FromMinutes(5), PersistenceNetmask = IPAddress.Parse("255.255.255.0") };

        var plan = Plan(DesiredTable.Build([sticky]), kernel, WebServer);

        var service = Assert.Single(plan.Operations).Service;
        Assert.Equal(IpvsServiceFlags.Persistent, service.Flags);
        Assert.Equal(300u, service.Timeout);
        Assert.Equal(24, service.NetmaskPrefixLength);
    }

    [Fact]
    public void Plan_OwnedServiceNoLongerDesired_OnlyDeleteService()
    {
        var kernel = KernelOf(DesiredTable.Build([WebServer]));

        var plan = Plan(DesiredTable.Empty, kernel, WebServer);

        // The kernel drops the destinations with their service: deleting them one by one first would cost
        // a message each and leave half-deleted services if interrupted.
        Assert.Equal([IpvsOperationKind.DeleteService], plan.Operations.Select(o => o.Kind));
    }

    [Fact]
    public void Plan_UnownedServiceInKernel_UntouchedAndReported()
    {
        var foreign = IpvsService.ForAddress(IPAddress.Parse("198.18.0.99"), 25);
        var kernel = new KernelTable([KernelService.Of(foreign, [IpvsDestination.Create(IPAddress.Parse("198.18.1.9"), 25)])]);

        var plan = Plan(DesiredTable.Build([WebServer]), kernel, WebServer);

        Assert.DoesNotContain(plan.Operations, o => ServiceKey.Of(o.Service) == ServiceKey.Of(foreign));
        Assert.Equal([foreign], plan.UnownedServices);
    }

    [Fact]
    public void Plan_ExtraDestinationInOwnedService_Deleted()
    {
        var desired = DesiredTable.Build([WebServer]);
        var service = desired.Services[0];
        var stranger = IpvsDestination.Create(IPAddress.Parse("198.18.1.77"), 80);
        var kernel = new KernelTable([KernelService.Of(service.Service, [.. service.Destinations, stranger])]);

        var plan = Plan(desired, kernel, WebServer);

        var operation = Assert.Single(plan.Operations);
        Assert.Equal(IpvsOperationKind.DeleteDestination, operation.Kind);
        Assert.Equal(stranger, operation.Destination);
    }

    [Fact]
    public void Plan_NewAndChangedAndRemovedServices_NewFirstRemovalsLast()
    {
        var old = Web(8080);
        var kernel = KernelOf(DesiredTable.Build([WebServer, old]));
        var changed = WebServer with { RealServers = [WebServer.RealServers[0] with { Weight = 9 }, WebServer.RealServers[1]] };

        var plan = Plan(DesiredTable.Build([changed, Web(443)]), kernel, WebServer, old, Web(443));

        Assert.Equal(
            [
                IpvsOperationKind.AddService, IpvsOperationKind.AddDestination, IpvsOperationKind.AddDestination,
                IpvsOperationKind.UpdateDestination,
                IpvsOperationKind.DeleteService,
            ],
            plan.Operations.Select(o => o.Kind));
    }

    [Fact]
    public void Plan_AllRealServersDownThenOneBack_SorryServerAddedThenDeleted()
    {
        var sorryWeb = Web(sorry: new SorryServerConfig(IPAddress.Parse("198.18.2.1"), 80));
        var allDown = new Dictionary<RealServerId, RealServerHealth>
        {
            [RealServer(sorryWeb, "198.18.1.1")] = RealServerHealth.Removed,
            [RealServer(sorryWeb, "198.18.1.2")] = RealServerHealth.Removed,
        };
        var healthy = KernelOf(DesiredTable.Build([sorryWeb]));

        var down = Plan(DesiredTable.Build([sorryWeb], allDown), healthy, sorryWeb);
        var downKernel = KernelOf(DesiredTable.Build([sorryWeb], allDown));
        var oneBack = Plan(DesiredTable.Build([sorryWeb], allDown.Where(h => h.Key.Destination.Address.Equals(IPAddress.Parse("198.18.1.1"))).ToDictionary()), downKernel, sorryWeb);

        Assert.Equal(
            ["DeleteDestination 198.18.1.1:80", "DeleteDestination 198.18.1.2:80", "AddDestination 198.18.2.1:80"],
            down.Operations.Select(o => $"{o.Kind} {o.Destination}"));
        Assert.Equal(
            ["DeleteDestination 198.18.2.1:80", "AddDestination 198.18.1.2:80"],
            oneBack.Operations.Select(o => $"{o.Kind} {o.Destination}"));
    }

    [Fact]
    public void Plan_RealServerDrained_UpdateDestinationToWeightZero()
    {
        var kernel = KernelOf(DesiredTable.Build([WebServer]));

        var plan = Plan(DesiredTable.Build([WebServer], drains: [new DrainTarget(IPAddress.Parse("198.18.1.2"))]), kernel, WebServer);

        var operation = Assert.Single(plan.Operations);
        Assert.Equal(IpvsOperationKind.UpdateDestination, operation.Kind);
        Assert.Equal(0u, operation.Destination!.Weight);
    }

    [Fact]
    public void Plan_KernelReportsDefaultTunnelOptions_NoOperations()
    {
        var tunnel = WebServer with { Forwarding = IpvsForwardingMethod.Tunnel };
        var desired = DesiredTable.Build([tunnel]);
        var service = desired.Services[0];
        var reported = service.Destinations.Select(d => d with { Tunnel = new IpvsTunnelOptions(IpvsTunnelType.IpIp) });
        var kernel = new KernelTable([KernelService.Of(service.Service, reported)]);

        Assert.True(Plan(desired, kernel, tunnel).IsEmpty);
    }
}
