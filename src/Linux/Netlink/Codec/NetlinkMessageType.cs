namespace HaDirector.Linux.Netlink.Codec;

/// <summary>Control message types every netlink family shares (linux/netlink.h).</summary>
public static class NetlinkMessageType
{
    public const ushort Noop = 1;
    public const ushort Error = 2;
    public const ushort Done = 3;
    public const ushort Overrun = 4;

    /// <summary>NLMSG_MIN_TYPE: types below this are control messages.</summary>
    public const ushort MinType = 0x10;
}
