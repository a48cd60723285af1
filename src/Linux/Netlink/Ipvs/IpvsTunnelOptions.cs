namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>Tunnel encapsulation of a destination (kernel 5.2+); <see cref="Port"/> is the GUE port.</summary>
public sealed record IpvsTunnelOptions(IpvsTunnelType Type, ushort Port = 0, ushort Flags = IpvsKernel.TunnelFlag.NoChecksum)
{
    /// <summary>What the kernel uses when no tunnel attributes are sent: IPIP, no port, no checksum flags.</summary>
    public static IpvsTunnelOptions Default { get; } = new(IpvsTunnelType.IpIp);
}
