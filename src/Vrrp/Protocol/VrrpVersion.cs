namespace HaDirector.Vrrp.Protocol;

/// <summary>The VRRP protocol version: 2 (RFC 3768) or 3 (RFC 5798).</summary>
public enum VrrpVersion : byte
{
    V2 = 2,
    V3 = 3,
}
