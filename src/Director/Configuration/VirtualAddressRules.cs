using System.Net;
using System.Net.Sockets;

namespace HaDirector.Director.Configuration;

/// <summary>
/// Addresses that can never be a VIP: the kernel would accept most of them on an interface, and the node would
/// then answer for the whole host (0.0.0.0, 127.0.0.x), for everybody (broadcast) or for a multicast group
/// (224.0.0.18 is VRRP itself). IPv6 rules are here for when IPv6 VIPs are read.
/// </summary>
public static class VirtualAddressRules
{
    /// <summary>Why <paramref name="address"/> cannot be a virtual address; null when it can.</summary>
    public static string? Problem(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.Equals(IPAddress.IPv6Any) ? "the unspecified address"
                : IPAddress.IsLoopback(address) ? "a loopback address"
                : address.IsIPv6Multicast ? "a multicast address"
                : address.IsIPv6LinkLocal ? "a link-local address (each router has its own; VRRPv3 sends it, it is not a VIP)"
                : null;
        }

        var bytes = address.GetAddressBytes();
        return address.Equals(IPAddress.Any) ? "the unspecified address"
            : address.Equals(IPAddress.Broadcast) ? "the broadcast address"
            : bytes[0] == 127 ? "a loopback address"
            : bytes[0] is >= 224 and <= 239 ? (address.Equals(VrrpInstanceConfig.MulticastGroup) ? "the VRRP multicast group" : "a multicast address")
            : bytes[0] >= 240 ? "a reserved (class E) address"
            : bytes[0] == 0 ? "in 0.0.0.0/8 ('this network')"
            : null;
    }
}
