using System.Net;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>The identity of a destination inside its service: the kernel finds it by address and port.</summary>
public readonly record struct DestinationKey(IPAddress Address, ushort Port)
{
    public static DestinationKey Of(IpvsDestination destination) => new(destination.Address, destination.Port);

    public override string ToString() => new IPEndPoint(Address, Port).ToString();
}
