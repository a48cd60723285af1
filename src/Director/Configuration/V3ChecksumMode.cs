namespace HaDirector.Director.Configuration;

/// <summary>
/// How a VRRPv3 IPv4 checksum is computed: RFC 5798 with the pseudo-header (what keepalived sends by default),
/// or RFC 9568, which drops the pseudo-header for IPv4.
/// </summary>
public enum V3ChecksumMode
{
    PseudoHeader,
    Rfc9568,
}
