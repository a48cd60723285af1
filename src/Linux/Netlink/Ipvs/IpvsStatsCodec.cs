using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// Reads IPVS_*_ATTR_STATS and _STATS64. The old nest mixes u32 and u64 fields and the new one is all u64,
/// so each value is read by its length. IPVS_STATS_ATTR_PAD (alignment filler of nla_put_u64_64bit) is skipped.
/// </summary>
public static class IpvsStatsCodec
{
    public static IpvsStats Read(NetlinkAttributeReader attributes)
    {
        Span<ulong> values = stackalloc ulong[IpvsKernel.StatsAttr.OutByteRate + 1];
        foreach (var attribute in attributes)
        {
            if (attribute.Type is >= IpvsKernel.StatsAttr.Connections and <= IpvsKernel.StatsAttr.OutByteRate)
            {
                values[attribute.Type] = attribute.Value.Length >= 8 ? attribute.GetU64() : attribute.GetU32();
            }
        }

        return new IpvsStats(
            values[IpvsKernel.StatsAttr.Connections],
            values[IpvsKernel.StatsAttr.InPackets],
            values[IpvsKernel.StatsAttr.OutPackets],
            values[IpvsKernel.StatsAttr.InBytes],
            values[IpvsKernel.StatsAttr.OutBytes],
            values[IpvsKernel.StatsAttr.ConnectionRate],
            values[IpvsKernel.StatsAttr.InPacketRate],
            values[IpvsKernel.StatsAttr.OutPacketRate],
            values[IpvsKernel.StatsAttr.InByteRate],
            values[IpvsKernel.StatsAttr.OutByteRate]);
    }

    /// <summary>Writes a STATS64 nest; the kernel never accepts stats, this is for building test replies.</summary>
    public static void Write(NetlinkWriter writer, ushort nestType, IpvsStats stats)
    {
        var nest = writer.BeginNested(nestType);
        writer.WriteU64(IpvsKernel.StatsAttr.Connections, stats.Connections);
        writer.WriteU64(IpvsKernel.StatsAttr.InPackets, stats.InPackets);
        writer.WriteU64(IpvsKernel.StatsAttr.OutPackets, stats.OutPackets);
        writer.WriteU64(IpvsKernel.StatsAttr.InBytes, stats.InBytes);
        writer.WriteU64(IpvsKernel.StatsAttr.OutBytes, stats.OutBytes);
        writer.WriteU64(IpvsKernel.StatsAttr.ConnectionRate, stats.ConnectionsPerSecond);
        writer.WriteU64(IpvsKernel.StatsAttr.InPacketRate, stats.InPacketsPerSecond);
        writer.WriteU64(IpvsKernel.StatsAttr.OutPacketRate, stats.OutPacketsPerSecond);
        writer.WriteU64(IpvsKernel.StatsAttr.InByteRate, stats.InBytesPerSecond);
        writer.WriteU64(IpvsKernel.StatsAttr.OutByteRate, stats.OutBytesPerSecond);
        writer.EndNested(nest);
    }
}
