using HaDirector.Director.Configuration;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// What a VRRP instance's mastership switches besides its addresses: the IPVS services of its VIPs and
/// the connection-sync daemon. Called on the election's thread, in DESIGN.md §3's order.
/// </summary>
public interface IInstanceServices
{
    /// <summary>
    /// Becoming master, before the VIPs are added: the task completes once the services can take traffic (at once
    /// when there is nothing to wait for). Must not block: it is called on the election's thread. Never faults.
    /// </summary>
    Task ActivateAsync(VrrpInstanceConfig instance);

    /// <summary>Left master, after the VIPs were removed: must not block the election.</summary>
    void Deactivate(VrrpInstanceConfig instance);
}
