using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Linux.Tests.Netlink.Ipvs;

/// <summary>Pins each constant to the value in include/uapi/linux/ip_vs.h (read line by line against the header).</summary>
public class IpvsKernelTests
{
    [Fact]
    public void Commands_MatchEnumIpvsCmd()
    {
        byte[] actual =
        [
            IpvsKernel.Command.NewService, IpvsKernel.Command.SetService, IpvsKernel.Command.DelService, IpvsKernel.Command.GetService,
            IpvsKernel.Command.NewDest, IpvsKernel.Command.SetDest, IpvsKernel.Command.DelDest, IpvsKernel.Command.GetDest,
            IpvsKernel.Command.NewDaemon, IpvsKernel.Command.DelDaemon, IpvsKernel.Command.GetDaemon,
            IpvsKernel.Command.SetConfig, IpvsKernel.Command.GetConfig, IpvsKernel.Command.SetInfo, IpvsKernel.Command.GetInfo,
            IpvsKernel.Command.Zero, IpvsKernel.Command.Flush,
        ];
        Assert.Equal(Enumerable.Range(1, 17).Select(i => (byte)i), actual);
    }

    [Fact]
    public void AttributeEnums_AreConsecutiveFromOne()
    {
        Assert.Equal([1, 2, 3, 4, 5, 6], new int[] { IpvsKernel.CommandAttr.Service, IpvsKernel.CommandAttr.Dest, IpvsKernel.CommandAttr.Daemon, IpvsKernel.CommandAttr.TimeoutTcp, IpvsKernel.CommandAttr.TimeoutTcpFin, IpvsKernel.CommandAttr.TimeoutUdp });
        Assert.Equal(Enumerable.Range(1, 12), new int[]
        {
            IpvsKernel.ServiceAttr.AddressFamily, IpvsKernel.ServiceAttr.Protocol, IpvsKernel.ServiceAttr.Address, IpvsKernel.ServiceAttr.Port,
            IpvsKernel.ServiceAttr.FirewallMark, IpvsKernel.ServiceAttr.SchedulerName, IpvsKernel.ServiceAttr.Flags, IpvsKernel.ServiceAttr.Timeout,
            IpvsKernel.ServiceAttr.Netmask, IpvsKernel.ServiceAttr.Stats, IpvsKernel.ServiceAttr.PersistenceEngine, IpvsKernel.ServiceAttr.Stats64,
        });
        Assert.Equal(Enumerable.Range(1, 15), new int[]
        {
            IpvsKernel.DestAttr.Address, IpvsKernel.DestAttr.Port, IpvsKernel.DestAttr.ForwardingMethod, IpvsKernel.DestAttr.Weight,
            IpvsKernel.DestAttr.UpperThreshold, IpvsKernel.DestAttr.LowerThreshold, IpvsKernel.DestAttr.ActiveConnections,
            IpvsKernel.DestAttr.InactiveConnections, IpvsKernel.DestAttr.PersistentConnections, IpvsKernel.DestAttr.Stats,
            IpvsKernel.DestAttr.AddressFamily, IpvsKernel.DestAttr.Stats64, IpvsKernel.DestAttr.TunnelType, IpvsKernel.DestAttr.TunnelPort,
            IpvsKernel.DestAttr.TunnelFlags,
        });
        Assert.Equal(Enumerable.Range(1, 8), new int[]
        {
            IpvsKernel.DaemonAttr.State, IpvsKernel.DaemonAttr.MulticastInterface, IpvsKernel.DaemonAttr.SyncId, IpvsKernel.DaemonAttr.SyncMaxLength,
            IpvsKernel.DaemonAttr.MulticastGroup, IpvsKernel.DaemonAttr.MulticastGroup6, IpvsKernel.DaemonAttr.MulticastPort, IpvsKernel.DaemonAttr.MulticastTtl,
        });
        Assert.Equal(Enumerable.Range(1, 11), new int[]
        {
            IpvsKernel.StatsAttr.Connections, IpvsKernel.StatsAttr.InPackets, IpvsKernel.StatsAttr.OutPackets, IpvsKernel.StatsAttr.InBytes,
            IpvsKernel.StatsAttr.OutBytes, IpvsKernel.StatsAttr.ConnectionRate, IpvsKernel.StatsAttr.InPacketRate, IpvsKernel.StatsAttr.OutPacketRate,
            IpvsKernel.StatsAttr.InByteRate, IpvsKernel.StatsAttr.OutByteRate, IpvsKernel.StatsAttr.Pad,
        });
        Assert.Equal([1, 2], new int[] { IpvsKernel.InfoAttr.Version, IpvsKernel.InfoAttr.ConnectionTableSize });
    }

    [Fact]
    public void Flags_MatchDefines()
    {
        Assert.Equal([0x1u, 0x2u, 0x4u, 0x8u, 0x10u, 0x20u], new[] { IpvsKernel.ServiceFlag.Persistent, IpvsKernel.ServiceFlag.Hashed, IpvsKernel.ServiceFlag.OnePacket, IpvsKernel.ServiceFlag.Scheduler1, IpvsKernel.ServiceFlag.Scheduler2, IpvsKernel.ServiceFlag.Scheduler3 });
        Assert.Equal([0x7u, 0x0u, 0x1u, 0x2u, 0x3u, 0x4u, 0x2000u], new[] { IpvsKernel.ConnectionFlag.ForwardMask, IpvsKernel.ConnectionFlag.Masquerade, IpvsKernel.ConnectionFlag.LocalNode, IpvsKernel.ConnectionFlag.Tunnel, IpvsKernel.ConnectionFlag.DirectRoute, IpvsKernel.ConnectionFlag.Bypass, IpvsKernel.ConnectionFlag.OnePacket });
        Assert.Equal([0u, 1u, 2u], new[] { IpvsKernel.DaemonState.None, IpvsKernel.DaemonState.Master, IpvsKernel.DaemonState.Backup });
        Assert.Equal("IPVS", IpvsKernel.FamilyName);
        Assert.Equal(1, IpvsKernel.FamilyVersion);
        Assert.Equal(16, IpvsKernel.SchedulerNameMax);
        Assert.Equal(32, IpvsKernel.PersistenceEngineNameMax);
    }
}
