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

    /// <summary>The kernel's IFNAMSIZ (16) less the terminating NUL: the longest interface name and address label.</summary>
    public const int MaxNameBytes = 15;

    /// <summary>Why <paramref name="device"/> cannot name an interface; null when it can (whether it exists is a host check).</summary>
    public static string? DeviceProblem(string device) =>
        System.Text.Encoding.UTF8.GetByteCount(device) > MaxNameBytes ? $"'{device}' is longer than an interface name can be ({MaxNameBytes} bytes)"
        : device.Any(c => c == '/' || c == ':' || char.IsWhiteSpace(c)) ? $"'{device}' is not an interface name (no '/', ':' or spaces)"
        : null;

    /// <summary>
    /// Why <paramref name="label"/> cannot label <paramref name="address"/> on <paramref name="device"/>; null when it can.
    /// The kernel's rule (and iproute2's): a label is the device's name, or starts with it and a colon, in IFNAMSIZ;
    /// only IPv4 addresses carry one.
    /// </summary>
    public static string? LabelProblem(IPAddress address, string label, string device) =>
        address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"{address} is IPv6, and only IPv4 addresses carry a label (the kernel keeps none for IPv6): remove label"
            : System.Text.Encoding.UTF8.GetByteCount(label) > MaxNameBytes
                ? $"'{label}' is longer than a label can be ({MaxNameBytes} bytes, the kernel's IFNAMSIZ)"
            : label != device && !label.StartsWith(device + ":", StringComparison.Ordinal)
                ? $"'{label}' must be the device's name '{device}' or start with '{device}:' (the kernel's rule), e.g. '{device}:1'"
            : null;
}
