using HaDirector.Director.Ipvs;

namespace HaDirector.Director.Control;

/// <summary>No health checker (tests of the control plane alone): every real server shows as unchecked.</summary>
public sealed class NoHealthView : IHealthView
{
    public IReadOnlyDictionary<RealServerId, RealServerHealthView> Snapshot() => new Dictionary<RealServerId, RealServerHealthView>();
}
