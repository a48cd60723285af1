namespace HaDirector.Linux.Interop;

/// <summary>Values from the Linux UAPI headers (x86-64 and arm64 agree on all of them).</summary>
public static class LinuxConstants
{
    // linux/socket.h
    public const int AfInet = 2;
    public const int AfInet6 = 10;
    public const int AfNetlink = 16;
    public const int AfPacket = 17;

    // linux/net.h; SOCK_CLOEXEC so a forked health-check helper never inherits our sockets.
    public const int SockDgram = 2;
    public const int SockRaw = 3;
    public const int SockCloexec = 0x80000;

    // linux/netlink.h protocols
    public const int NetlinkRoute = 0;
    public const int NetlinkGeneric = 16;

    // asm-generic/socket.h
    public const int SolSocket = 1;

    /// <summary>SO_PEERCRED: the connected peer's pid, uid and gid (socket(7)).</summary>
    public const int SoPeerCred = 17;
    public const int SoSndBuf = 7;
    public const int SoRcvBuf = 8;

    /// <summary>SO_RCVTIMEO (SO_RCVTIMEO_OLD on 64-bit: a struct timeval of two longs).</summary>
    public const int SoRcvTimeo = 20;
    public const int SoSndBufForce = 32;
    public const int SoRcvBufForce = 33;

    /// <summary>SO_ATTACH_FILTER: a classic BPF program that decides which packets a socket gets (socket(7)).</summary>
    public const int SoAttachFilter = 26;

    // linux/netlink.h socket options (level SOL_NETLINK, linux/socket.h)
    public const int SolNetlink = 270;
    public const int NetlinkAddMembership = 1;
    public const int NetlinkDropMembership = 2;
    public const int NetlinkCapAck = 10;
    public const int NetlinkExtAck = 11;
    public const int NetlinkGetStrictChk = 12;

    // linux/sched.h
    public const int CloneNewNet = 0x40000000;

    // linux/in.h
    public const int IpProtoTcp = 6;
    public const int IpProtoVrrp = 112;
    public const int SolIp = 0;

    /// <summary>IP_HDRINCL: a raw socket's sends carry their own IPv4 header (raw(7)).</summary>
    public const int IpHdrIncl = 3;

    // linux/socket.h recvmmsg flags
    public const int MsgDontWait = 0x40;
    public const int MsgWaitForOne = 0x10000;

    // asm-generic/mman-common.h madvise(2) advice
    /// <summary>MADV_DONTNEED: unmap the range's pages; a private file mapping's clean pages fault back in from the file.</summary>
    public const int MadvDontNeed = 4;

    /// <summary>MADV_PAGEOUT (Linux 5.4): reclaim the range's pages now; a file's clean page that only we map leaves the page cache.</summary>
    public const int MadvPageOut = 21;

    // linux/auxvec.h
    /// <summary>AT_PHDR: where the executable's program headers are in memory (getauxval(3)).</summary>
    public const nuint AtPhdr = 3;
}
