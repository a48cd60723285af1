using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// Diffs the desired table against a kernel dump into the fewest edits. Pure and O(services + destinations):
/// one dictionary over the kernel's services and one over its destinations; the desired side is indexed
/// once when its table is built.
/// </summary>
public static class IpvsPlanner
{
    /// <summary>
    /// A pass over <paramref name="kernel"/>, the whole dump or, for a health change, only the services it
    /// touches. Services are held in the kernel when <paramref name="roleOf"/> says Active (or always with
    /// <paramref name="warmStandby"/>); owned services in another role are removed, except Starting ones,
    /// which are left exactly as found (adopted, not written) so a restarted master does not tear down and
    /// re-add what it is about to serve. <paramref name="retired"/> are owned services a reload dropped.
    /// </summary>
    public static PassPlan Plan(
        DesiredTable desired,
        KernelTable kernel,
        Func<ServiceKey, IpvsRole> roleOf,
        bool warmStandby,
        IReadOnlySet<ServiceKey> retired)
    {
        var owned = new HashSet<ServiceKey>(retired);
        var starting = new HashSet<ServiceKey>();
        var allHeld = true;
        foreach (var service in desired.Services)
        {
            var role = roleOf(service.Key);
            (role == IpvsRole.Starting && !warmStandby ? starting : owned).Add(service.Key);
            allHeld &= warmStandby || role == IpvsRole.Active;
        }

        var target = allHeld ? desired : new DesiredTable(desired.Services.Where(s => roleOf(s.Key) == IpvsRole.Active));
        var plan = Plan(target, kernel, owned);
        if (starting.Count == 0)
        {
            return new PassPlan(plan, target, plan.UnownedServices, 0, 0, 0);
        }

        var unowned = plan.UnownedServices.Where(s => !starting.Contains(ServiceKey.Of(s))).ToList();
        var pending = Plan(new DesiredTable(desired.Services.Where(s => starting.Contains(s.Key))), kernel, starting).Operations.Count;
        var adopted = kernel.Services.Count(s => starting.Contains(s.Key));
        return new PassPlan(plan, target, unowned, pending, starting.Count, adopted);
    }

    /// <summary>
    /// Order: new services, each followed by its destinations; then edits inside services that exist
    /// (SET_SERVICE, DEL_DEST, SET_DEST, NEW_DEST); last the owned services nobody wants, each with one
    /// DEL_SERVICE (the kernel drops its destinations with it). Only services in <paramref name="ownedServiceKeys"/> or in the desired table
    /// are touched; every other kernel service is returned as unowned and left alone.
    /// </summary>
    public static IpvsPlan Plan(DesiredTable desired, KernelTable kernel, IReadOnlySet<ServiceKey> ownedServiceKeys)
    {
        var operations = new List<IpvsOperation>();
        var unowned = new List<IpvsService>();
        var kernelServices = new Dictionary<ServiceKey, KernelService>(kernel.Services.Count);
        var kernelDestinations = new Dictionary<RealServerId, IpvsDestination>(kernel.DestinationCount);
        foreach (var service in kernel.Services)
        {
            kernelServices.TryAdd(service.Key, service);
            foreach (var entry in service.Destinations)
            {
                kernelDestinations.TryAdd(new RealServerId(service.Key, DestinationKey.Of(entry.Destination)), entry.Destination);
            }
        }

        foreach (var service in desired.Services)
        {
            if (!kernelServices.ContainsKey(service.Key))
            {
                operations.Add(new(IpvsOperationKind.AddService, service.Service));
                foreach (var destination in service.Destinations)
                {
                    operations.Add(new(IpvsOperationKind.AddDestination, service.Service, destination));
                }
            }
        }

        foreach (var service in desired.Services)
        {
            if (kernelServices.TryGetValue(service.Key, out var current))
            {
                PlanExisting(service, current, desired, kernelDestinations, operations);
            }
        }

        foreach (var service in kernel.Services)
        {
            if (desired.Contains(service.Key))
            {
                continue;
            }

            if (!ownedServiceKeys.Contains(service.Key))
            {
                unowned.Add(service.Service);
                continue;
            }

            // DEL_SERVICE alone: the kernel unlinks the service's destinations with it under one lock, so a
            // removal interrupted at any point leaves each service whole or gone, never half its real servers
            // (which would pile its load onto the rest), and it is one message instead of 1 + destinations.
            operations.Add(new(IpvsOperationKind.DeleteService, service.Service));
        }

        return new IpvsPlan(operations, unowned);
    }

    private static void PlanExisting(
        DesiredService service,
        KernelService current,
        DesiredTable desired,
        Dictionary<RealServerId, IpvsDestination> kernelDestinations,
        List<IpvsOperation> operations)
    {
        if (!SameSettings(service.Service, current.Service))
        {
            operations.Add(new(IpvsOperationKind.UpdateService, service.Service));
        }

        foreach (var entry in current.Destinations)
        {
            if (!desired.TryGetDestination(new RealServerId(service.Key, DestinationKey.Of(entry.Destination)), out _))
            {
                operations.Add(new(IpvsOperationKind.DeleteDestination, service.Service, entry.Destination));
            }
        }

        foreach (var destination in service.Destinations)
        {
            if (!kernelDestinations.TryGetValue(new RealServerId(service.Key, DestinationKey.Of(destination)), out var existing))
            {
                operations.Add(new(IpvsOperationKind.AddDestination, service.Service, destination));
            }
            else if (!SameSettings(destination, existing))
            {
                // Always an edit, never delete + add: a deleted destination lingers in the kernel's trash
                // and re-adds search it one by one (DESIGN.md §6), and its connections would be cut.
                operations.Add(new(IpvsOperationKind.UpdateDestination, service.Service, destination));
            }
        }
    }

    public static bool SameSettings(IpvsService wanted, IpvsService current) =>
        string.Equals(wanted.Scheduler, current.Scheduler, StringComparison.Ordinal)
        && wanted.Flags == current.Flags
        && wanted.Timeout == current.Timeout
        && wanted.EffectiveNetmaskPrefixLength == current.EffectiveNetmaskPrefixLength
        && string.Equals(wanted.PersistenceEngine ?? "", current.PersistenceEngine ?? "", StringComparison.Ordinal);

    /// <summary>
    /// Tunnel options count only when the desired destination sets them: kernels with tunnel types report
    /// their IPIP default for every tunnel destination, which must not read as drift.
    /// </summary>
    public static bool SameSettings(IpvsDestination wanted, IpvsDestination current) =>
        wanted.Weight == current.Weight
        && wanted.Forwarding == current.Forwarding
        && wanted.UpperThreshold == current.UpperThreshold
        && wanted.LowerThreshold == current.LowerThreshold
        && (wanted.Tunnel is null || wanted.Tunnel == current.Tunnel);
}
