namespace HaDirector.Vrrp.Protocol;

/// <summary>Why a received datagram was discarded (RFC 5798 §7.1, RFC 3768 §7.1).</summary>
public enum VrrpDropReason
{
    /// <summary>Not dropped.</summary>
    None = 0,

    /// <summary>Shorter than its IP header, its IP total (IPv6: payload) length, or the VRRP message it announces.</summary>
    Truncated,

    /// <summary>Not a well-formed IP header (version neither 4 nor 6, or an IPv4 IHL below 5).</summary>
    NotIpv4,

    /// <summary>The IPv4 protocol (IPv6 next header) is not 112.</summary>
    NotVrrp,

    /// <summary>RFC 5798 §7.1: the IPv4 TTL or IPv6 hop limit must be 255 (the sender is on this link).</summary>
    TtlNot255,

    /// <summary>The VRRP version is neither 2 nor 3.</summary>
    BadVersion,

    /// <summary>The VRRP type is not ADVERTISEMENT.</summary>
    BadType,

    /// <summary>No instance with this VRID is configured here.</summary>
    UnknownVrid,

    /// <summary>The instance with this VRID is configured for the other VRRP version.</summary>
    VersionMismatch,

    /// <summary>The VRRP checksum does not verify.</summary>
    BadChecksum,

    /// <summary>The advertisement interval is zero (a master that would never advertise).</summary>
    InvalidInterval,

    /// <summary>The address count differs from the configured virtual addresses (RFC 5798 §7.1 "MAY verify"; keepalived drops).</summary>
    AddressCountMismatch,

    /// <summary>A configured virtual address is missing from the advertisement (keepalived drops).</summary>
    AddressListMismatch,

    /// <summary>VRRPv2: the interval differs from the configured one (RFC 3768 §7.1 MUST).</summary>
    IntervalMismatch,

    /// <summary>VRRPv2: the auth type or simple-text password differs (RFC 3768 §7.1 MUST).</summary>
    AuthMismatch,

    /// <summary>Unicast peers are configured and the source is none of them (keepalived behaviour).</summary>
    NotFromUnicastPeer,
}
