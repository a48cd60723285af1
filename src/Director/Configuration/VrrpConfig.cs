namespace HaDirector.Director.Configuration;

/// <summary>The <c>vrrp</c> section.</summary>
public sealed record VrrpConfig
{
    public ValueList<VrrpInstanceConfig> Instances { get; init; } = [];
}
