using HaDirector.Director.Ipvs;

namespace HaDirector.Director.Control;

/// <summary>What status shows of the health checker: each checked real server's health.</summary>
public interface IHealthView
{
    IReadOnlyDictionary<RealServerId, RealServerHealthView> Snapshot();
}
