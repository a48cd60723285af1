using System.Net.Sockets;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// Packs and unpacks IPVS_CMD_ATTR_DAEMON. STATE, MCAST_IFN and SYNC_ID are required to start a daemon;
/// stopping needs STATE only. MCAST_PORT is in host order (the kernel applies htons itself).
/// </summary>
public static class IpvsDaemonCodec
{
    public static void Write(NetlinkWriter writer, IpvsSyncDaemon daemon)
    {
        if (daemon.InterfaceName.Length is 0 or >= IpvsKernel.InterfaceNameMax)
        {
            throw new ArgumentException($"interface name '{daemon.InterfaceName}' must have 1 to {IpvsKernel.InterfaceNameMax - 1} characters", nameof(daemon));
        }

        var nest = writer.BeginNested(IpvsKernel.CommandAttr.Daemon);
        writer.WriteU32(IpvsKernel.DaemonAttr.State, (uint)daemon.State);
        writer.WriteString(IpvsKernel.DaemonAttr.MulticastInterface, daemon.InterfaceName);
        writer.WriteU32(IpvsKernel.DaemonAttr.SyncId, daemon.SyncId);
        if (daemon.MaxLength is { } maxLength)
        {
            writer.WriteU16(IpvsKernel.DaemonAttr.SyncMaxLength, maxLength);
        }

        if (daemon.MulticastGroup is { } group)
        {
            writer.WriteAddress(
                group.AddressFamily == AddressFamily.InterNetworkV6 ? IpvsKernel.DaemonAttr.MulticastGroup6 : IpvsKernel.DaemonAttr.MulticastGroup,
                group);
        }

        if (daemon.MulticastPort is { } port)
        {
            writer.WriteU16(IpvsKernel.DaemonAttr.MulticastPort, port);
        }

        if (daemon.MulticastTtl is { } ttl)
        {
            writer.WriteU8(IpvsKernel.DaemonAttr.MulticastTtl, ttl);
        }

        writer.EndNested(nest);
    }

    public static void WriteStateOnly(NetlinkWriter writer, IpvsSyncState state)
    {
        var nest = writer.BeginNested(IpvsKernel.CommandAttr.Daemon);
        writer.WriteU32(IpvsKernel.DaemonAttr.State, (uint)state);
        writer.EndNested(nest);
    }

    public static IpvsSyncDaemon Read(NetlinkAttributeReader attributes)
    {
        var daemon = new IpvsSyncDaemon { State = IpvsSyncState.Master, InterfaceName = string.Empty };
        foreach (var attribute in attributes)
        {
            daemon = attribute.Type switch
            {
                IpvsKernel.DaemonAttr.State => daemon with { State = (IpvsSyncState)attribute.GetU32() },
                IpvsKernel.DaemonAttr.MulticastInterface => daemon with { InterfaceName = attribute.GetString() },
                IpvsKernel.DaemonAttr.SyncId => daemon with { SyncId = attribute.GetU32() },
                IpvsKernel.DaemonAttr.SyncMaxLength => daemon with { MaxLength = attribute.GetU16() },
                // GetAddress checks the length: a short group made Value[..4] throw ArgumentOutOfRangeException (bench/fuzz: netlink).
                IpvsKernel.DaemonAttr.MulticastGroup => daemon with { MulticastGroup = attribute.GetAddress(Interop.LinuxConstants.AfInet) },
                IpvsKernel.DaemonAttr.MulticastGroup6 => daemon with { MulticastGroup = attribute.GetAddress(Interop.LinuxConstants.AfInet6) },
                IpvsKernel.DaemonAttr.MulticastPort => daemon with { MulticastPort = attribute.GetU16() },
                IpvsKernel.DaemonAttr.MulticastTtl => daemon with { MulticastTtl = attribute.GetU8() },
                _ => daemon,
            };
        }

        return daemon;
    }
}
