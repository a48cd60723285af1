using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>A service found in the kernel dump, with its destinations and counters.</summary>
public sealed record KernelService(IpvsServiceEntry Entry, IReadOnlyList<IpvsDestinationEntry> Destinations)
{
    public IpvsService Service => Entry.Service;

    public ServiceKey Key { get; } = ServiceKey.Of(Entry.Service);

    /// <summary>A service with zeroed counters, for models and tests.</summary>
    public static KernelService Of(IpvsService service, IEnumerable<IpvsDestination> destinations) =>
        new(new IpvsServiceEntry(service, IpvsStats.Empty), [.. destinations.Select(d => new IpvsDestinationEntry(d, 0, 0, 0, IpvsStats.Empty))]);
}
