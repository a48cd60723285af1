namespace HaDirector.HealthCheck.Probes;

/// <summary>How a probe's reported weight relates to the configured one.</summary>
public enum WeightKind
{
    /// <summary>The probe said nothing about weight: keep the configured one.</summary>
    None,

    /// <summary>A share of the configured weight, as HAProxy's agent-check reports it (<c>75%</c>).</summary>
    Percent,

    /// <summary>A weight of its own, as keepalived's misc_dynamic exit code sets it.</summary>
    Absolute,
}
