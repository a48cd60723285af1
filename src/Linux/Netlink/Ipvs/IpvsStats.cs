namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// Traffic counters and rates of a service or destination (IPVS_STATS_ATTR_*). Counters are since the
/// entry was created or zeroed; rates are the kernel's estimator values, refreshed about every 2 s.
/// </summary>
public sealed record IpvsStats(
    ulong Connections,
    ulong InPackets,
    ulong OutPackets,
    ulong InBytes,
    ulong OutBytes,
    ulong ConnectionsPerSecond,
    ulong InPacketsPerSecond,
    ulong OutPacketsPerSecond,
    ulong InBytesPerSecond,
    ulong OutBytesPerSecond)
{
    public static IpvsStats Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
