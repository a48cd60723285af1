namespace HaDirector.Director.Configuration;

/// <summary>The whole configuration file (DESIGN.md §4), parsed, defaulted and validated.</summary>
public sealed record DirectorConfig
{
    public VrrpConfig Vrrp { get; init; } = new();

    public ValueList<VirtualServerConfig> VirtualServers { get; init; } = [];

    public MetricsConfig Metrics { get; init; } = new();

    public ControlConfig Control { get; init; } = new();

    public IpvsConfig Ipvs { get; init; } = new();

    public LoggingConfig Logging { get; init; } = new();

    /// <summary>Null: no announced VIPs (every VIP is a VRRP instance's).</summary>
    public AnnounceConfig? Announce { get; init; }
}
