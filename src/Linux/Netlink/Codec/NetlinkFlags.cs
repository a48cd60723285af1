namespace HaDirector.Linux.Netlink.Codec;

/// <summary>
/// nlmsg_flags (linux/netlink.h). The upper byte means different things for GET, NEW and ACK
/// messages, so these are plain constants rather than one [Flags] enum.
/// </summary>
public static class NetlinkFlags
{
    public const ushort Request = 0x01;
    public const ushort Multi = 0x02;
    public const ushort Ack = 0x04;
    public const ushort Echo = 0x08;
    public const ushort DumpInterrupted = 0x10;
    public const ushort DumpFiltered = 0x20;

    // Modifiers to GET requests
    public const ushort Root = 0x100;
    public const ushort Match = 0x200;
    public const ushort Atomic = 0x400;
    public const ushort Dump = Root | Match;

    // Modifiers to NEW requests
    public const ushort Replace = 0x100;
    public const ushort Excl = 0x200;
    public const ushort Create = 0x400;
    public const ushort Append = 0x800;

    // Flags on NLMSG_ERROR acknowledgements
    public const ushort Capped = 0x100;
    public const ushort AckTlvs = 0x200;
}
