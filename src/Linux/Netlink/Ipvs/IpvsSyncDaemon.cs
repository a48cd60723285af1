using System.Net;

namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// A connection-sync daemon (ipvsadm --start-daemon). Optional fields left null get the kernel's
/// defaults: group 224.0.0.81, port 8848, TTL 1, max length from the interface MTU.
/// </summary>
public sealed record IpvsSyncDaemon
{
    public required IpvsSyncState State { get; init; }

    public required string InterfaceName { get; init; }

    public uint SyncId { get; init; }

    public ushort? MaxLength { get; init; }

    public IPAddress? MulticastGroup { get; init; }

    public ushort? MulticastPort { get; init; }

    public byte? MulticastTtl { get; init; }
}
