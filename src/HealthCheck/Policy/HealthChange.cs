namespace HaDirector.HealthCheck.Policy;

/// <summary>What one result changed; the verdict handed on only moves when this is not <see cref="None"/>.</summary>
[Flags]
public enum HealthChange
{
    None = 0,
    State = 1,
    Weight = 2,
}
