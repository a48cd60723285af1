namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>How packets reach a real server (IP_VS_CONN_F_* forwarding bits; ipvsadm -m/-i/-g).</summary>
public enum IpvsForwardingMethod : uint
{
    /// <summary>NAT (ipvsadm -m).</summary>
    Masquerade = IpvsKernel.ConnectionFlag.Masquerade,

    /// <summary>The director itself serves the connection.</summary>
    Local = IpvsKernel.ConnectionFlag.LocalNode,

    /// <summary>IP-in-IP/GUE/GRE tunnel (ipvsadm -i).</summary>
    Tunnel = IpvsKernel.ConnectionFlag.Tunnel,

    /// <summary>Direct routing, only the MAC changes (ipvsadm -g): HaDirector's default.</summary>
    DirectRoute = IpvsKernel.ConnectionFlag.DirectRoute,
}
