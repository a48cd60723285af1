using System.Net;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// The identity of a destination inside its service: the kernel finds it by address and port. A class with
/// its own equality for the same reason as <see cref="ServiceKey"/>: no JIT on the start path.
/// </summary>
public sealed record DestinationKey(IPAddress Address, ushort Port)
{
    public static DestinationKey Of(IpvsDestination destination) => new(destination.Address, destination.Port);

    public bool Equals(DestinationKey? other) => other is not null && Port == other.Port && Address.Equals(other.Address);

    public override int GetHashCode() => Address.GetHashCode() * 31 + Port;

    public override string ToString() => new IPEndPoint(Address, Port).ToString();
}
