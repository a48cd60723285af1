namespace HaDirector.HealthCheck.Probes;

/// <summary>A weight a probe asks for; <c>default</c> asks for none.</summary>
public readonly record struct WeightReport(WeightKind Kind, int Value)
{
    public static WeightReport None => default;

    public static WeightReport Percent(int percent) => new(WeightKind.Percent, percent);

    public static WeightReport Absolute(int weight) => new(WeightKind.Absolute, weight);

    /// <summary>The weight to use given the configured one; a non-zero percentage never rounds down to 0 (that would be a drain).</summary>
    public int Apply(int configured) => Kind switch
    {
        WeightKind.Percent when Value == 0 => 0,
        WeightKind.Percent => (int)Math.Max(1, ((long)configured * Value + 99) / 100),
        WeightKind.Absolute => Value,
        _ => configured,
    };

    public override string ToString() => Kind switch
    {
        WeightKind.Percent => $"{Value}%",
        WeightKind.Absolute => $"{Value}",
        _ => "configured",
    };
}
