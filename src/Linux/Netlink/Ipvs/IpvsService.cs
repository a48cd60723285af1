using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// A virtual service: either address:port/protocol or a firewall mark (then <see cref="Address"/> is
/// null and <see cref="Port"/> 0), plus its scheduling settings. The identity the kernel looks services up
/// by is (family, protocol, address, port) or (family, fwmark).
/// </summary>
public sealed record IpvsService
{
    public required AddressFamily Family { get; init; }

    public IpvsProtocol Protocol { get; init; } = IpvsProtocol.Tcp;

    public IPAddress? Address { get; init; }

    public ushort Port { get; init; }

    /// <summary>Non-zero for a firewall-mark service.</summary>
    public uint FirewallMark { get; init; }

    public string Scheduler { get; init; } = "wlc";

    public IpvsServiceFlags Flags { get; init; }

    /// <summary>Persistence timeout in seconds (meaningful with <see cref="IpvsServiceFlags.Persistent"/>).</summary>
    public uint Timeout { get; init; }

    /// <summary>
    /// Persistence granularity as a prefix length (ipvsadm -M); null means the full host mask (32 or 128):
    /// one persistence entry per client address.
    /// </summary>
    public int? NetmaskPrefixLength { get; init; }

    /// <summary>Persistence engine, e.g. "sip"; null for none.</summary>
    public string? PersistenceEngine { get; init; }

    public bool IsFirewallMark => FirewallMark != 0;

    /// <summary>The netmask the kernel gets: the given one or the full host mask of the family.</summary>
    public int EffectiveNetmaskPrefixLength => NetmaskPrefixLength ?? HostPrefixLength;

    public int HostPrefixLength => Family == AddressFamily.InterNetworkV6 ? 128 : 32;

    public static IpvsService ForAddress(IPAddress address, ushort port, IpvsProtocol protocol = IpvsProtocol.Tcp, string scheduler = "wlc") => new()
    {
        Family = address.AddressFamily,
        Protocol = protocol,
        Address = address,
        Port = port,
        Scheduler = scheduler,
    };

    public static IpvsService ForFirewallMark(uint mark, AddressFamily family = AddressFamily.InterNetwork, string scheduler = "wlc") => new()
    {
        Family = family,
        FirewallMark = mark,
        Scheduler = scheduler,
    };

    /// <summary>"198.18.0.10:80/tcp", "[2001:db8::1]:443/tcp" or "fwmark 7/IPv4".</summary>
    public override string ToString()
    {
        if (IsFirewallMark)
        {
            return string.Create(CultureInfo.InvariantCulture, $"fwmark {FirewallMark}/{(Family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")}");
        }

        var protocol = Protocol.ToString().ToLowerInvariant();
        return new IPEndPoint(Address ?? IPAddress.Any, Port) + "/" + protocol;
    }
}
