using HaDirector.Director.Configuration;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Vrrp;

/// <summary>No trackers: every instance runs on its configured priority and never faults for a tracker.</summary>
public sealed class NoTracking : IInstanceTracking
{
    public static NoTracking Instance { get; } = new();

    event Action? IInstanceTracking.Changed
    {
        add { }
        remove { }
    }

    public TrackingVerdict Evaluate(VrrpInstanceConfig instance) => new((byte)instance.Priority, []);
}
