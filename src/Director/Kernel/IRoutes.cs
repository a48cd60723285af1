using System.Net;
using HaDirector.Linux.Netlink.Route;

namespace HaDirector.Director.Kernel;

/// <summary>
/// Host routes in one routing table that only a routing daemon reads (the announced VIPs, docs/scale-out.md): the
/// director adds and removes them; BIRD's kernel protocol or FRR's import-table exports them over BGP.
/// </summary>
public interface IRoutes
{
    /// <summary>The routes of <paramref name="table"/> tagged with <paramref name="protocol"/>.</summary>
    IReadOnlyList<KernelRoute> List(uint table, byte protocol);

    /// <summary>
    /// Adds a host route (/32 or /128) through <paramref name="outputInterface"/>. False: it was already there.
    /// <paramref name="local"/>: a <c>local</c> route (scope host), which makes the destination an address of this host
    /// without an interface address (announce.localRoute puts the VIP in the kernel's local table so).
    /// </summary>
    bool Add(IPAddress destination, uint table, byte protocol, int outputInterface, bool local = false);

    /// <summary>False: it was not there. <paramref name="local"/>: as it was added.</summary>
    bool Delete(IPAddress destination, uint table, byte protocol, int outputInterface, bool local = false);
}
