using System.Net;

namespace HaDirector.Director.Announce;

/// <summary>What <c>failover</c> withdrew and <c>resume</c> has not given back: the whole director, and single VIPs (<c>--vip</c>).</summary>
public sealed record MaintenanceState(bool Director, IReadOnlySet<IPAddress> Vips)
{
    public static readonly MaintenanceState None = new(false, new HashSet<IPAddress>());

    public bool IsNone => !Director && Vips.Count == 0;

    public bool Holds(IPAddress vip) => Director || Vips.Contains(vip);
}
