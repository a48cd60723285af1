using HaDirector.Director.Ipvs;

namespace HaDirector.Director.Control;

/// <summary>What status shows of the health checker: one real server's health, or null when unchecked.</summary>
public interface IHealthView
{
    RealServerHealthStatus? Get(RealServerId realServer);
}
