namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>A service as the kernel reports it, with its counters.</summary>
public sealed record IpvsServiceEntry(IpvsService Service, IpvsStats Stats);
