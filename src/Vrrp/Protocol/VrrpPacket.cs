using System.Net;

namespace HaDirector.Vrrp.Protocol;

/// <summary>
/// One VRRP advertisement (RFC 3768 §5.3 for v2, RFC 5798 §5.2 for v3), IPv4 only.
/// <see cref="AdvertInterval"/> is whole seconds on the v2 wire and centiseconds on the v3 wire.
/// </summary>
public sealed record VrrpPacket(
    VrrpVersion Version,
    byte VirtualRouterId,
    byte Priority,
    IReadOnlyList<IPAddress> Addresses,
    TimeSpan AdvertInterval)
{
    /// <summary>Priority 0: the master is leaving (RFC 5798 §5.2.4).</summary>
    public const byte PriorityStop = 0;

    /// <summary>Priority 255: the address owner (RFC 5798 §5.2.4).</summary>
    public const byte PriorityOwner = 255;

    public VrrpPacketType Type { get; init; } = VrrpPacketType.Advertisement;

    /// <summary>VRRPv2 only; v3 has no authentication (RFC 5798 §9).</summary>
    public VrrpAuthentication Authentication { get; init; } = VrrpAuthentication.None;

    /// <summary>The checksum as received. <see cref="VrrpCodec.Write(VrrpPacket, IPAddress, IPAddress, Span{byte}, VrrpChecksumMode)"/> computes its own.</summary>
    public ushort Checksum { get; init; }

    public bool Equals(VrrpPacket? other) =>
        other is not null
        && Version == other.Version
        && VirtualRouterId == other.VirtualRouterId
        && Priority == other.Priority
        && AdvertInterval == other.AdvertInterval
        && Type == other.Type
        && Authentication.Equals(other.Authentication)
        && Checksum == other.Checksum
        && Addresses.SequenceEqual(other.Addresses);

    public override int GetHashCode() =>
        HashCode.Combine(Version, VirtualRouterId, Priority, AdvertInterval, Addresses.Count, Checksum);
}
