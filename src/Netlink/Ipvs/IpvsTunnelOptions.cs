namespace HaDirector.Netlink.Ipvs;

/// <summary>Tunnel encapsulation of a destination (kernel 5.2+); <see cref="Port"/> is the GUE port.</summary>
public sealed record IpvsTunnelOptions(IpvsTunnelType Type, ushort Port = 0, ushort Flags = IpvsKernel.TunnelFlag.NoChecksum);
