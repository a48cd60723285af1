using System.Net;
using HaDirector.Linux.Netlink.Route;

namespace HaDirector.Director.Kernel;

/// <summary><see cref="IRoutes"/> over rtnetlink: one socket of its own, opened on first use.</summary>
public sealed class RouteTables : IRoutes, IDisposable
{
    private readonly Lock _gate = new();
    private RouteClient? _route;

    public IReadOnlyList<KernelRoute> List(uint table, byte protocol)
    {
        lock (_gate)
        {
            return Route.ListRoutes(table, protocol);
        }
    }

    public bool Add(IPAddress destination, uint table, byte protocol, int outputInterface, bool local = false)
    {
        lock (_gate)
        {
            return Route.AddRoute(destination, HostPrefix(destination), table, protocol, outputInterface, local);
        }
    }

    public bool Delete(IPAddress destination, uint table, byte protocol, int outputInterface, bool local = false)
    {
        lock (_gate)
        {
            return Route.DeleteRoute(destination, HostPrefix(destination), table, protocol, outputInterface, local);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _route?.Dispose();
            _route = null;
        }
    }

    internal static int HostPrefix(IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32;

    private RouteClient Route => _route ??= RouteClient.Open();
}
