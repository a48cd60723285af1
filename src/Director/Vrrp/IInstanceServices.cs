using HaDirector.Director.Configuration;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// What a VRRP instance's mastership switches besides its addresses: the IPVS services of its VIPs and
/// the connection-sync daemon. Called on the election's thread, in DESIGN.md §3's order.
/// </summary>
public interface IInstanceServices
{
    /// <summary>Becoming master, before the VIPs are added: returns once the services can take traffic.</summary>
    void Activate(VrrpInstanceConfig instance);

    /// <summary>Left master, after the VIPs were removed: must not block the election.</summary>
    void Deactivate(VrrpInstanceConfig instance);
}
