using System.Net;
using System.Net.Sockets;

namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>A real server of a service. Direct routing is the default, as in the seed's LVS-DR setup.</summary>
public sealed record IpvsDestination
{
    public required IPAddress Address { get; init; }

    public ushort Port { get; init; }

    /// <summary>0 keeps existing connections but sends no new ones (draining).</summary>
    public uint Weight { get; init; } = 1;

    public IpvsForwardingMethod Forwarding { get; init; } = IpvsForwardingMethod.DirectRoute;

    /// <summary>Stop scheduling new connections above this many (0 = no limit).</summary>
    public uint UpperThreshold { get; init; }

    /// <summary>Resume below this many after reaching the upper threshold (0 = no limit).</summary>
    public uint LowerThreshold { get; init; }

    /// <summary>
    /// Only for <see cref="IpvsForwardingMethod.Tunnel"/>; null is the kernel's default (plain IPIP). Options equal
    /// to that default are stored as null, so a destination read back from the kernel (which always reports
    /// the tunnel type) compares equal to the one configured, and a reconciler sees no false change.
    /// </summary>
    public IpvsTunnelOptions? Tunnel
    {
        get;
        init => field = value == IpvsTunnelOptions.Default ? null : value;
    }

    public AddressFamily Family => Address.AddressFamily;

    public static IpvsDestination Create(IPAddress address, ushort port, uint weight = 1, IpvsForwardingMethod forwarding = IpvsForwardingMethod.DirectRoute) =>
        new() { Address = address, Port = port, Weight = weight, Forwarding = forwarding };

    public override string ToString() => new IPEndPoint(Address, Port).ToString();
}
