using HaDirector.Director.Ipvs;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Tests.Ipvs;

/// <summary>Properties over random tables; a failure names its seed, which reproduces it alone.</summary>
public sealed partial class IpvsPlannerTests
{
    private const int Seeds = 300;

    public static TheoryData<int> SeedBlocks => [0, 1, 2, 3];

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void Plan_RandomDrift_AppliedPlanMakesOwnedServicesEqualDesired(int block)
    {
        foreach (var seed in SeedRange(block))
        {
            var tables = new RandomTables(seed);
            var desired = tables.Desired();
            var (kernelTable, owned, _) = tables.Drift(desired);
            var kernel = new FakeIpvsKernel();
            kernel.Load(kernelTable);

            var plan = IpvsPlanner.Plan(desired, kernelTable, owned);
            foreach (var operation in plan.Operations)
            {
                Assert.True(kernel.Apply(operation).Succeeded, $"seed {seed}: {operation} failed");
            }

            var after = kernel.Snapshot().Services.Where(s => owned.Contains(s.Key)).ToList();
            Assert.True(SameTable(desired, after), $"seed {seed}: kernel differs from desired after the plan");
        }
    }

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void Plan_RandomDrift_NoOperationTouchesAnUnownedService(int block)
    {
        foreach (var seed in SeedRange(block))
        {
            var tables = new RandomTables(seed);
            var desired = tables.Desired();
            var (kernelTable, owned, unowned) = tables.Drift(desired);

            var plan = IpvsPlanner.Plan(desired, kernelTable, owned);

            var foreign = unowned.Select(s => s.Key).ToHashSet();
            Assert.DoesNotContain(plan.Operations, o => foreign.Contains(ServiceKey.Of(o.Service)));
            Assert.Equal(foreign.Order(KeyOrder), plan.UnownedServices.Select(ServiceKey.Of).Order(KeyOrder));
        }
    }

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void Plan_SecondPlanAfterApplyingTheFirst_NoOperations(int block)
    {
        foreach (var seed in SeedRange(block))
        {
            var tables = new RandomTables(seed);
            var desired = tables.Desired();
            var (kernelTable, owned, _) = tables.Drift(desired);
            var kernel = new FakeIpvsKernel();
            kernel.Load(kernelTable);
            foreach (var operation in IpvsPlanner.Plan(desired, kernelTable, owned).Operations)
            {
                kernel.Apply(operation);
            }

            var second = IpvsPlanner.Plan(desired, kernel.Snapshot(), owned);

            Assert.True(second.IsEmpty, $"seed {seed}: second plan has {second.Operations.Count} operations, first is {(second.IsEmpty ? null : second.Operations[0])}");
        }
    }

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void Plan_RandomWeightOnlyChange_OnlyUpdateDestination(int block)
    {
        foreach (var seed in SeedRange(block))
        {
            var tables = new RandomTables(seed);
            var desired = tables.Desired();
            var kernelTable = new KernelTable([.. desired.Services.Select(s => KernelService.Of(s.Service, s.Destinations))]);
            var reweighted = tables.Reweighted(desired);

            var plan = IpvsPlanner.Plan(reweighted, kernelTable, desired.Keys.ToHashSet());

            Assert.All(plan.Operations, o => Assert.Equal(IpvsOperationKind.UpdateDestination, o.Kind));
            var changed = desired.Services.Zip(reweighted.Services).Sum(p => p.First.Destinations.Zip(p.Second.Destinations).Count(d => d.First.Weight != d.Second.Weight));
            Assert.Equal(changed, plan.Operations.Count);
        }
    }

    private static readonly Comparer<ServiceKey> KeyOrder = Comparer<ServiceKey>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));

    private static IEnumerable<int> SeedRange(int block) => Enumerable.Range(block * (Seeds / 4), Seeds / 4);

    private static bool SameTable(DesiredTable desired, List<KernelService> kernel)
    {
        if (kernel.Count != desired.Services.Count)
        {
            return false;
        }

        foreach (var service in kernel)
        {
            if (!desired.TryGetService(service.Key, out var wanted)
                || !IpvsPlanner.SameSettings(wanted.Service, service.Service)
                || wanted.Destinations.Count != service.Destinations.Count)
            {
                return false;
            }

            foreach (var entry in service.Destinations)
            {
                var id = new RealServerId(service.Key, DestinationKey.Of(entry.Destination));
                if (!desired.TryGetDestination(id, out var destination) || destination != entry.Destination)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
