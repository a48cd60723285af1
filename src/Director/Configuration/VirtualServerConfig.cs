using System.Net;
using System.Net.Sockets;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Configuration;

/// <summary>One IPVS service (<c>virtualServers[]</c>): either VIP + port + protocol, or a firewall mark.</summary>
public sealed record VirtualServerConfig
{
    public string Name { get; init; } = "";

    public IPAddress? Vip { get; init; }

    /// <summary>0 with persistence: all ports of the VIP (ipvsadm's port 0).</summary>
    public int? Port { get; init; }

    public IpvsProtocol Protocol { get; init; } = IpvsProtocol.Tcp;

    /// <summary>YAML <c>fwmark</c>; when set, <see cref="Vip"/> and <see cref="Port"/> are null.</summary>
    public uint? FirewallMark { get; init; }

    /// <summary>
    /// YAML <c>family</c> (<c>ipv4</c>, <c>ipv6</c>): a firewall-mark service's family, which has no VIP to
    /// take it from. Null: see <see cref="ServiceFamily"/>.
    /// </summary>
    public AddressFamily? Family { get; init; }

    /// <summary>The IPVS service's family: the VIP's, else <see cref="Family"/>, else the real servers', else IPv4.</summary>
    public AddressFamily ServiceFamily =>
        Vip?.AddressFamily ?? Family ?? RealServers.Select(r => r.Address.AddressFamily).FirstOrDefault(AddressFamily.InterNetwork);

    /// <summary>An IPVS scheduler module name without its <c>ip_vs_</c> prefix.</summary>
    public string Scheduler { get; init; } = "wlc";

    /// <summary>YAML <c>schedulerFlags</c>: <c>mh-fallback</c>, <c>mh-port</c> (only with <c>scheduler: mh</c>).</summary>
    public ValueList<SchedulerFlag> SchedulerFlags { get; init; } = [];

    public IpvsForwardingMethod Forwarding { get; init; } = IpvsForwardingMethod.DirectRoute;

    /// <summary>Zero: no persistence.</summary>
    public TimeSpan Persistence { get; init; } = TimeSpan.Zero;

    /// <summary>A mask in the service's family; the default (IPv4's host mask) means the host mask of either.</summary>
    public IPAddress PersistenceNetmask { get; init; } = IPAddress.Broadcast;

    public bool OnePacket { get; init; }

    public HealthCheckConfig HealthCheck { get; init; } = new();

    public SorryServerConfig? SorryServer { get; init; }

    public ValueList<RealServerConfig> RealServers { get; init; } = [];
}
