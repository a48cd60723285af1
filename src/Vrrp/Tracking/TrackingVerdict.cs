namespace HaDirector.Vrrp.Tracking;

/// <summary>An instance's effective priority and the fault trackers failing now (empty: not in Fault for them).</summary>
public sealed record TrackingVerdict(byte Priority, IReadOnlyList<string> FaultedBy)
{
    public bool Fault => FaultedBy.Count > 0;
}
