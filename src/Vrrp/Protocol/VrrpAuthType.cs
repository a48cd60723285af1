namespace HaDirector.Vrrp.Protocol;

/// <summary>
/// VRRPv2 Auth Type (RFC 3768 §5.3.6). RFC 3768 reserves 1 and 2; keepalived still sends 1 as
/// RFC 2338's simple text password ("auth_type PASS"), so we speak it for interoperability.
/// </summary>
public enum VrrpAuthType : byte
{
    None = 0,
    SimpleText = 1,
    IpAuthenticationHeader = 2,
}
