namespace HaDirector.Linux.Netlink.Codec;

/// <summary>NLMSG_ALIGN / NLA_ALIGN: messages and attributes both start on 4-byte boundaries.</summary>
public static class NetlinkAlignment
{
    public const int Boundary = 4;

    public static int Align(int length) => (length + Boundary - 1) & ~(Boundary - 1);
}
