namespace HaDirector.Director.Configuration;

/// <summary>How IPVS forwards to a real server: direct routing (gatewaying), masquerading or IP-in-IP.</summary>
public enum ForwardingMethod
{
    Dr,
    Nat,
    Tun,
}
