namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>Encapsulation of a tunnel destination (IP_VS_CONN_F_TUNNEL_TYPE_*).</summary>
public enum IpvsTunnelType : byte
{
    IpIp = IpvsKernel.TunnelType.IpIp,
    Gue = IpvsKernel.TunnelType.Gue,
    Gre = IpvsKernel.TunnelType.Gre,
}
