using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Configuration;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>Turns validated configuration into the kernel's service and destination settings.</summary>
public static class ServiceMapping
{
    public static IpvsService ToService(VirtualServerConfig virtualServer)
    {
        var family = virtualServer.ServiceFamily;
        var persistent = virtualServer.Persistence > TimeSpan.Zero;
        var flags = IpvsServiceFlags.None;
        if (persistent)
        {
            flags |= IpvsServiceFlags.Persistent;
        }

        if (virtualServer.OnePacket)
        {
            flags |= IpvsServiceFlags.OnePacket;
        }

        flags |= SchedulerFlags(virtualServer.SchedulerFlags);

        return new IpvsService
        {
            Family = family,
            Protocol = virtualServer.FirewallMark is null ? virtualServer.Protocol : IpvsProtocol.Tcp,
            Address = virtualServer.FirewallMark is null ? virtualServer.Vip : null,
            Port = virtualServer.FirewallMark is null ? (ushort)(virtualServer.Port ?? 0) : (ushort)0,
            FirewallMark = virtualServer.FirewallMark ?? 0,
            Scheduler = virtualServer.Scheduler,
            Flags = flags,
            Timeout = persistent ? (uint)Math.Ceiling(virtualServer.Persistence.TotalSeconds) : 0,
            NetmaskPrefixLength = persistent ? PrefixLength(virtualServer.PersistenceNetmask, family) : null,
        };
    }

    /// <summary>
    /// ip_vs.h: IP_VS_SVC_F_SCHED_MH_FALLBACK is IP_VS_SVC_F_SCHED1 and IP_VS_SVC_F_SCHED_MH_PORT IP_VS_SVC_F_SCHED2 (the
    /// scheduler reads the bits; the validator allows them only with mh).
    /// </summary>
    public static IpvsServiceFlags SchedulerFlags(IEnumerable<SchedulerFlag> flags)
    {
        var bits = IpvsServiceFlags.None;
        foreach (var flag in flags)
        {
            bits |= flag switch
            {
                SchedulerFlag.MhFallback => IpvsServiceFlags.Scheduler1,
                SchedulerFlag.MhPort => IpvsServiceFlags.Scheduler2,
                _ => throw new ArgumentOutOfRangeException(nameof(flags), flag, null),
            };
        }

        return bits;
    }

    /// <summary>
    /// The services a VRRP instance carries: those whose VIP is one of its addresses. Firewall-mark
    /// services have no VIP; the daemon decides which instance they follow.
    /// </summary>
    public static IReadOnlyCollection<ServiceKey> KeysForVips(IEnumerable<VirtualServerConfig> virtualServers, IEnumerable<IPAddress> vips)
    {
        var addresses = vips.ToHashSet();
        return [.. virtualServers.Where(v => v.FirewallMark is null && v.Vip is not null && addresses.Contains(v.Vip)).Select(v => ServiceKey.Of(ToService(v)))];
    }

    public static IpvsDestination ToDestination(VirtualServerConfig virtualServer, RealServerConfig realServer) => new()
    {
        Address = realServer.Address,
        Port = (ushort)realServer.Port,
        Weight = (uint)Math.Max(0, realServer.Weight),
        Forwarding = realServer.Forwarding ?? virtualServer.Forwarding,
    };

    /// <summary>Weight 1, like keepalived's sorry server: it only ever gets traffic when every other one is out.</summary>
    public static IpvsDestination ToDestination(VirtualServerConfig virtualServer, SorryServerConfig sorryServer) => new()
    {
        Address = sorryServer.Address,
        Port = (ushort)sorryServer.Port,
        Weight = 1,
        Forwarding = virtualServer.Forwarding,
    };

    /// <summary>
    /// Null for the full host mask, which is what the kernel reads back as "no netmask" too; an IPv4 mask
    /// given for an IPv6 service (the config's default is 255.255.255.255) means the host mask as well.
    /// </summary>
    private static int? PrefixLength(IPAddress netmask, AddressFamily family)
    {
        if (netmask.AddressFamily != family)
        {
            return null;
        }

        var prefix = 0;
        foreach (var b in netmask.GetAddressBytes())
        {
            prefix += System.Numerics.BitOperations.LeadingZeroCount((uint)(byte)~b) - 24;
        }

        return prefix == (family == AddressFamily.InterNetworkV6 ? 128 : 32) ? null : prefix;
    }
}
