namespace HaDirector.Vrrp.Protocol;

/// <summary>How a VRRPv3-over-IPv4 checksum is computed. VRRPv2 always sums the message only.</summary>
public enum VrrpChecksumMode
{
    /// <summary>
    /// Message plus the IPv4 pseudo-header (source, destination, zero, protocol 112, length):
    /// RFC 5798 §5.2.8 as keepalived 2.2.7 and seesaw implement it. The default.
    /// </summary>
    PseudoHeader = 0,

    /// <summary>The message only, without a pseudo-header (the RFC 9568 reading for IPv4).</summary>
    MessageOnly = 1,
}
