using HaDirector.Director.Configuration;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// What the trackers make of an instance now (its effective priority, the fault trackers failing), and a signal when
/// that may have changed. Lives here, on the side that asks, so tracking can depend on VRRP and not the other way.
/// </summary>
public interface IInstanceTracking
{
    event Action? Changed;

    TrackingVerdict Evaluate(VrrpInstanceConfig instance);
}
