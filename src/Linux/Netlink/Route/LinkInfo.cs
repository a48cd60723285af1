using System.Net.NetworkInformation;

namespace HaDirector.Linux.Netlink.Route;

/// <summary>What rtnetlink says about one network interface.</summary>
public sealed record LinkInfo(int Index, string Name, PhysicalAddress MacAddress, uint Flags, int Mtu, LinkOperState OperState)
{
    /// <summary>IFF_UP: the administrator set it up.</summary>
    public bool IsUp => (Flags & RouteConstants.LinkFlagUp) != 0;

    /// <summary>IFF_LOWER_UP: the driver reports carrier.</summary>
    public bool IsLowerUp => (Flags & RouteConstants.LinkFlagLowerUp) != 0;

    /// <summary>IFF_RUNNING: up with carrier and RFC 2863 operational; what VRRP treats as usable.</summary>
    public bool IsRunning => (Flags & RouteConstants.LinkFlagRunning) != 0;
}
