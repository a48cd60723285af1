using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.Director.Health;

/// <summary>Turns a target's health into what the desired IPVS table uses.</summary>
public static class HealthVerdict
{
    /// <summary>IPVS weights are 0..65535 (<c>IP_VS_DEST_ATTR_WEIGHT</c> is u32, ipvsadm and the kernel cap it there).</summary>
    public const int MaxWeight = 65535;

    /// <returns>Null while the configured weight applies (unknown yet, or up without a reported weight).</returns>
    public static RealServerHealth? Of(HealthState state, WeightReport weight, FailureAction onFailure, int configuredWeight) => state switch
    {
        HealthState.Down => onFailure == FailureAction.Inhibit ? RealServerHealth.Inhibited : RealServerHealth.Removed,
        HealthState.Up when weight.Kind != WeightKind.None =>
            RealServerHealth.WithWeight((uint)Math.Clamp(weight.Apply(configuredWeight), 0, MaxWeight)),
        _ => null,
    };

    /// <summary>The weight IPVS ends up with, for status and metrics.</summary>
    public static int EffectiveWeight(RealServerHealth? verdict, int configuredWeight) =>
        verdict is { } v ? (v.Action == RealServerHealthAction.Remove ? 0 : (int)v.Weight) : configuredWeight;
}
