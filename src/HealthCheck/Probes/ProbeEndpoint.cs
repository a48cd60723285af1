using System.Net;

namespace HaDirector.HealthCheck.Probes;

/// <summary>Where a probe connects, and from which local address (null: the kernel picks, by route).</summary>
public sealed record ProbeEndpoint(IPEndPoint Target, IPAddress? Source = null)
{
    public override string ToString() => Source is null ? Target.ToString() : $"{Target} from {Source}";
}
