namespace HaDirector.Director.RealServers;

/// <summary>
/// The kernel parameters an LVS-DR real server needs (the seed's third way): it must hold the VIP but never
/// answer ARP for it, or the router would send clients straight to it and bypass the director.
/// </summary>
/// <remarks>
/// IPv6 needs none. Neighbour discovery is strict where ARP is not: ndisc_recv_ns answers a solicitation only
/// for an address on the interface it came in on (ipv6_get_ifaddr with strict set), so a VIP on lo is never
/// advertised on eth0, and solicitations the host sends take their source from the outgoing interface's own
/// addresses. What would answer is a proxy entry (proxy_ndp with forwarding) or the VIP also on eth0 (warned of).
/// RealServerCliTests proves it with a router's solicitation.
/// </remarks>
public static class RealServerSysctls
{
    public const string ProcSysRoot = "/proc/sys";

    /// <summary>
    /// arp_ignore=1: answer ARP only for addresses on the interface the request came in on (the VIP is on lo);
    /// arp_announce=2: always use the best local address of the outgoing interface as ARP source, never the VIP.
    /// The kernel uses the maximum of conf/all and conf/IFACE for both, so setting all (and lo, as the seed
    /// does) covers every interface, including ones created later.
    /// </summary>
    public static IReadOnlyList<SysctlSetting> Desired { get; } =
    [
        new("net.ipv4.conf.all.arp_ignore", "1"),
        new("net.ipv4.conf.lo.arp_ignore", "1"),
        new("net.ipv4.conf.all.arp_announce", "2"),
        new("net.ipv4.conf.lo.arp_announce", "2"),
    ];

    public const string LoopbackInterface = "lo";
}
