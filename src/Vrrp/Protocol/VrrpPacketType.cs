namespace HaDirector.Vrrp.Protocol;

/// <summary>RFC 5798 §5.2.2: the only defined type is ADVERTISEMENT (1).</summary>
public enum VrrpPacketType : byte
{
    Advertisement = 1,
}
