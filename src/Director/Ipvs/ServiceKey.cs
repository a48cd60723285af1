using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// The identity the kernel looks a virtual service up by: (family, protocol, address, port), or
/// (family, fwmark) for a firewall-mark service. Settings (scheduler, flags, …) are not part of it.
/// </summary>
public readonly record struct ServiceKey(AddressFamily Family, IpvsProtocol Protocol, IPAddress? Address, ushort Port, uint FirewallMark)
{
    /// <summary>
    /// A fwmark service's key drops protocol and address: the kernel matches it on the mark alone and its
    /// dump carries no protocol, so keeping the configured one would make a dumped service look foreign.
    /// </summary>
    public static ServiceKey Of(IpvsService service) => service.IsFirewallMark
        ? new(service.Family, default, null, 0, service.FirewallMark)
        : new(service.Family, service.Protocol, service.Address, service.Port, 0);

    public bool IsFirewallMark => FirewallMark != 0;

    /// <summary>"198.18.0.10:80/tcp" or "fwmark 7/IPv4", as <see cref="IpvsService.ToString"/> says it.</summary>
    public override string ToString() => IsFirewallMark
        ? string.Create(CultureInfo.InvariantCulture, $"fwmark {FirewallMark}/{(Family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")}")
        : new IPEndPoint(Address ?? IPAddress.Any, Port) + "/" + Protocol.ToString().ToLowerInvariant();
}
