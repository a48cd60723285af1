namespace HaDirector.HealthCheck.Policy;

/// <summary>Hysteresis: <see cref="Fall"/> failures in a row take an up target down, <see cref="Rise"/> successes bring it back.</summary>
public sealed record HealthPolicy
{
    public HealthPolicy(int rise, int fall)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rise, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fall, 1);
        Rise = rise;
        Fall = fall;
    }

    public int Rise { get; }

    public int Fall { get; }
}
