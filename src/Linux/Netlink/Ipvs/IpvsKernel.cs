namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// Everything the IPVS generic netlink family defines, from include/uapi/linux/ip_vs.h, written once.
/// Each group mirrors one enum or #define block of the header, in its order; tests pin the values.
/// </summary>
public static class IpvsKernel
{
    /// <summary>IPVS_GENL_NAME.</summary>
    public const string FamilyName = "IPVS";

    /// <summary>IPVS_GENL_VERSION: the genlmsghdr version of every request.</summary>
    public const byte FamilyVersion = 1;

    /// <summary>IP_VS_SCHEDNAME_MAXLEN, IP_VS_PENAME_MAXLEN, IP_VS_IFNAME_MAXLEN (each counts the NUL).</summary>
    public const int SchedulerNameMax = 16;
    public const int PersistenceEngineNameMax = 32;
    public const int InterfaceNameMax = 16;

    /// <summary>enum IPVS_CMD_*.</summary>
    public static class Command
    {
        public const byte NewService = 1;
        public const byte SetService = 2;
        public const byte DelService = 3;
        public const byte GetService = 4;
        public const byte NewDest = 5;
        public const byte SetDest = 6;
        public const byte DelDest = 7;
        public const byte GetDest = 8;
        public const byte NewDaemon = 9;
        public const byte DelDaemon = 10;
        public const byte GetDaemon = 11;
        public const byte SetConfig = 12;
        public const byte GetConfig = 13;
        public const byte SetInfo = 14;
        public const byte GetInfo = 15;
        public const byte Zero = 16;
        public const byte Flush = 17;
    }

    /// <summary>enum IPVS_CMD_ATTR_*: the top level of a message.</summary>
    public static class CommandAttr
    {
        public const ushort Service = 1;
        public const ushort Dest = 2;
        public const ushort Daemon = 3;
        public const ushort TimeoutTcp = 4;
        public const ushort TimeoutTcpFin = 5;
        public const ushort TimeoutUdp = 6;
    }

    /// <summary>enum IPVS_SVC_ATTR_*: inside IPVS_CMD_ATTR_SERVICE.</summary>
    public static class ServiceAttr
    {
        public const ushort AddressFamily = 1;   // u16
        public const ushort Protocol = 2;        // u16
        public const ushort Address = 3;         // union nf_inet_addr, 16 bytes
        public const ushort Port = 4;            // __be16
        public const ushort FirewallMark = 5;    // u32
        public const ushort SchedulerName = 6;   // NUL string, < 16
        public const ushort Flags = 7;           // struct ip_vs_flags { u32 flags; u32 mask; }
        public const ushort Timeout = 8;         // u32 seconds
        public const ushort Netmask = 9;         // __be32 mask for IPv4, prefix length for IPv6
        public const ushort Stats = 10;          // nested IPVS_STATS_ATTR_*
        public const ushort PersistenceEngine = 11; // NUL string, < 32
        public const ushort Stats64 = 12;        // nested IPVS_STATS_ATTR_*, all u64
    }

    /// <summary>enum IPVS_DEST_ATTR_*: inside IPVS_CMD_ATTR_DEST.</summary>
    public static class DestAttr
    {
        public const ushort Address = 1;         // union nf_inet_addr, 16 bytes
        public const ushort Port = 2;            // __be16
        public const ushort ForwardingMethod = 3; // u32, IP_VS_CONN_F_FWD_MASK bits
        public const ushort Weight = 4;          // u32 (int in the kernel)
        public const ushort UpperThreshold = 5;  // u32
        public const ushort LowerThreshold = 6;  // u32
        public const ushort ActiveConnections = 7;   // u32, replies only
        public const ushort InactiveConnections = 8; // u32, replies only
        public const ushort PersistentConnections = 9; // u32, replies only
        public const ushort Stats = 10;
        public const ushort AddressFamily = 11;  // u16, kernel 3.18+: a destination of another family (tunnels)
        public const ushort Stats64 = 12;
        public const ushort TunnelType = 13;     // u8, kernel 5.2+
        public const ushort TunnelPort = 14;     // __be16
        public const ushort TunnelFlags = 15;    // u16
    }

    /// <summary>enum IPVS_DAEMON_ATTR_*: inside IPVS_CMD_ATTR_DAEMON.</summary>
    public static class DaemonAttr
    {
        public const ushort State = 1;           // u32 IP_VS_STATE_*
        public const ushort MulticastInterface = 2; // NUL string, < 16
        public const ushort SyncId = 3;          // u32
        public const ushort SyncMaxLength = 4;   // u16
        public const ushort MulticastGroup = 5;  // in_addr as u32
        public const ushort MulticastGroup6 = 6; // in6_addr
        public const ushort MulticastPort = 7;   // u16, host order
        public const ushort MulticastTtl = 8;    // u8
    }

    /// <summary>enum IPVS_STATS_ATTR_*: inside *_ATTR_STATS (mixed u32/u64) and *_ATTR_STATS64 (all u64).</summary>
    public static class StatsAttr
    {
        public const ushort Connections = 1;
        public const ushort InPackets = 2;
        public const ushort OutPackets = 3;
        public const ushort InBytes = 4;
        public const ushort OutBytes = 5;
        public const ushort ConnectionRate = 6;
        public const ushort InPacketRate = 7;
        public const ushort OutPacketRate = 8;
        public const ushort InByteRate = 9;
        public const ushort OutByteRate = 10;
        public const ushort Pad = 11;
    }

    /// <summary>enum IPVS_INFO_ATTR_*: top level of the IPVS_CMD_SET_INFO reply.</summary>
    public static class InfoAttr
    {
        public const ushort Version = 1;
        public const ushort ConnectionTableSize = 2;
    }

    /// <summary>IP_VS_SVC_F_*.</summary>
    public static class ServiceFlag
    {
        public const uint Persistent = 0x0001;
        public const uint Hashed = 0x0002;
        public const uint OnePacket = 0x0004;
        public const uint Scheduler1 = 0x0008;
        public const uint Scheduler2 = 0x0010;
        public const uint Scheduler3 = 0x0020;
    }

    /// <summary>IP_VS_CONN_F_*: the low three bits are the forwarding method of a destination.</summary>
    public static class ConnectionFlag
    {
        public const uint ForwardMask = 0x0007;
        public const uint Masquerade = 0x0000;
        public const uint LocalNode = 0x0001;
        public const uint Tunnel = 0x0002;
        public const uint DirectRoute = 0x0003;
        public const uint Bypass = 0x0004;
        public const uint Sync = 0x0020;
        public const uint Hashed = 0x0040;
        public const uint NoOutput = 0x0080;
        public const uint Inactive = 0x0100;
        public const uint OutSequence = 0x0200;
        public const uint InSequence = 0x0400;
        public const uint NoClientPort = 0x0800;
        public const uint Template = 0x1000;
        public const uint OnePacket = 0x2000;
    }

    /// <summary>IP_VS_STATE_*: sync daemon roles.</summary>
    public static class DaemonState
    {
        public const uint None = 0;
        public const uint Master = 1;
        public const uint Backup = 2;
    }

    /// <summary>IP_VS_CONN_F_TUNNEL_TYPE_*.</summary>
    public static class TunnelType
    {
        public const byte IpIp = 0;
        public const byte Gue = 1;
        public const byte Gre = 2;
    }

    /// <summary>IP_VS_TUNNEL_ENCAP_FLAG_*.</summary>
    public static class TunnelFlag
    {
        public const ushort NoChecksum = 0;
        public const ushort Checksum = 1 << 0;
        public const ushort RemoteChecksum = 1 << 1;
    }
}
