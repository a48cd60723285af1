using System.Net;
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

    /// <summary>An IPVS scheduler module name without its <c>ip_vs_</c> prefix.</summary>
    public string Scheduler { get; init; } = "wlc";

    public IpvsForwardingMethod Forwarding { get; init; } = IpvsForwardingMethod.DirectRoute;

    /// <summary>Zero: no persistence.</summary>
    public TimeSpan Persistence { get; init; } = TimeSpan.Zero;

    public IPAddress PersistenceNetmask { get; init; } = IPAddress.Broadcast;

    public bool OnePacket { get; init; }

    public HealthCheckConfig HealthCheck { get; init; } = new();

    public SorryServerConfig? SorryServer { get; init; }

    public ValueList<RealServerConfig> RealServers { get; init; } = [];
}
