using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// Whole IPVS request messages: nlmsghdr (type = the family id the controller gave us) + genlmsghdr
/// (command, IPVS_GENL_VERSION) + attributes. Pure; sequence numbers are filled in by the socket.
/// </summary>
public static class IpvsRequests
{
    private const ushort DoFlags = NetlinkFlags.Request | NetlinkFlags.Ack;
    private const ushort DumpFlags = NetlinkFlags.Request | NetlinkFlags.Dump;

    /// <summary>NEW_SERVICE/SET_SERVICE carry the whole service; DEL_SERVICE/GET_SERVICE only its key.</summary>
    public static void Service(NetlinkWriter writer, ushort familyId, byte command, IpvsService service)
    {
        var start = Begin(writer, familyId, command, DoFlags);
        IpvsServiceCodec.Write(writer, service, keyOnly: command is not (IpvsKernel.Command.NewService or IpvsKernel.Command.SetService));
        writer.EndMessage(start);
    }

    /// <summary>NEW_DEST/SET_DEST carry the whole destination, DEL_DEST its key; all name the service by key.</summary>
    public static void Destination(NetlinkWriter writer, ushort familyId, byte command, IpvsService service, IpvsDestination destination)
    {
        var start = Begin(writer, familyId, command, DoFlags);
        IpvsServiceCodec.Write(writer, service, keyOnly: true);
        IpvsDestinationCodec.Write(writer, destination, keyOnly: command == IpvsKernel.Command.DelDest);
        writer.EndMessage(start);
    }

    public static void DumpServices(NetlinkWriter writer, ushort familyId) =>
        writer.EndMessage(Begin(writer, familyId, IpvsKernel.Command.GetService, DumpFlags));

    public static void DumpDestinations(NetlinkWriter writer, ushort familyId, IpvsService service)
    {
        var start = Begin(writer, familyId, IpvsKernel.Command.GetDest, DumpFlags);
        IpvsServiceCodec.Write(writer, service, keyOnly: true);
        writer.EndMessage(start);
    }

    /// <summary>GET_INFO, GET_CONFIG, FLUSH: a bare command.</summary>
    public static void Command(NetlinkWriter writer, ushort familyId, byte command) =>
        writer.EndMessage(Begin(writer, familyId, command, DoFlags));

    /// <summary>ZERO: the counters of one service (key only) or, with null, of every service.</summary>
    public static void Zero(NetlinkWriter writer, ushort familyId, IpvsService? service)
    {
        var start = Begin(writer, familyId, IpvsKernel.Command.Zero, DoFlags);
        if (service is not null)
        {
            IpvsServiceCodec.Write(writer, service, keyOnly: true);
        }

        writer.EndMessage(start);
    }

    public static void SetTimeouts(NetlinkWriter writer, ushort familyId, IpvsTimeouts timeouts)
    {
        var start = Begin(writer, familyId, IpvsKernel.Command.SetConfig, DoFlags);
        if (timeouts.TcpSeconds is { } tcp)
        {
            writer.WriteU32(IpvsKernel.CommandAttr.TimeoutTcp, tcp);
        }

        if (timeouts.TcpFinSeconds is { } tcpFin)
        {
            writer.WriteU32(IpvsKernel.CommandAttr.TimeoutTcpFin, tcpFin);
        }

        if (timeouts.UdpSeconds is { } udp)
        {
            writer.WriteU32(IpvsKernel.CommandAttr.TimeoutUdp, udp);
        }

        writer.EndMessage(start);
    }

    public static void NewDaemon(NetlinkWriter writer, ushort familyId, IpvsSyncDaemon daemon)
    {
        var start = Begin(writer, familyId, IpvsKernel.Command.NewDaemon, DoFlags);
        IpvsDaemonCodec.Write(writer, daemon);
        writer.EndMessage(start);
    }

    public static void DelDaemon(NetlinkWriter writer, ushort familyId, IpvsSyncState state)
    {
        var start = Begin(writer, familyId, IpvsKernel.Command.DelDaemon, DoFlags);
        IpvsDaemonCodec.WriteStateOnly(writer, state);
        writer.EndMessage(start);
    }

    public static void DumpDaemons(NetlinkWriter writer, ushort familyId) =>
        writer.EndMessage(Begin(writer, familyId, IpvsKernel.Command.GetDaemon, DumpFlags));

    private static int Begin(NetlinkWriter writer, ushort familyId, byte command, ushort flags)
    {
        var start = writer.BeginMessage(familyId, flags);
        writer.WriteGenericHeader(command, IpvsKernel.FamilyVersion);
        return start;
    }
}
