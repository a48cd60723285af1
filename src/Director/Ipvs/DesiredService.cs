using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>A virtual service as it should be in the kernel, with the destinations it should have.</summary>
public sealed record DesiredService(IpvsService Service, IReadOnlyList<IpvsDestination> Destinations)
{
    public ServiceKey Key { get; } = ServiceKey.Of(Service);
}
