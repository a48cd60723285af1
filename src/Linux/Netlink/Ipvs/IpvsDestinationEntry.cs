namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>A destination as the kernel reports it, with its connection counts and counters.</summary>
public sealed record IpvsDestinationEntry(
    IpvsDestination Destination,
    uint ActiveConnections,
    uint InactiveConnections,
    uint PersistentConnections,
    IpvsStats Stats);
