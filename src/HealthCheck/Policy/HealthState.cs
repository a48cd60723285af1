namespace HaDirector.HealthCheck.Policy;

/// <summary>A target's health as the policy decides it.</summary>
public enum HealthState
{
    /// <summary>Not checked yet: served with its configured weight (see <see cref="HealthTracker"/>).</summary>
    Unknown,
    Up,
    Down,
}
