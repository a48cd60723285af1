using HaDirector.Director.Control;
using HaDirector.Director.Ipvs;

namespace HaDirector.Director.Tests.Hosting;

/// <summary>The health checker as status sees it, set by the test.</summary>
internal sealed class FakeHealthView : IHealthView
{
    public Dictionary<RealServerId, RealServerHealthView> Views { get; } = [];

    public IReadOnlyDictionary<RealServerId, RealServerHealthView> Snapshot() => new Dictionary<RealServerId, RealServerHealthView>(Views);
}
