using HaDirector.Director.Ipvs;

namespace HaDirector.Director.Control;

/// <summary>Until a health checker is wired in: every real server shows as unchecked.</summary>
public sealed class NoHealthView : IHealthView
{
    public RealServerHealthStatus? Get(RealServerId realServer) => null;
}
