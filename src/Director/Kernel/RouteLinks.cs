using System.Net;
using System.Runtime.CompilerServices;
using HaDirector.Linux.Netlink.Route;

namespace HaDirector.Director.Kernel;

/// <summary>
/// <see cref="ILinks"/> over rtnetlink: one socket for queries and address changes, shared by every caller
/// (opened on first use), and a link monitor of its own per watch.
/// </summary>
public sealed class RouteLinks : ILinks, IDisposable
{
    private readonly Lock _gate = new();
    private RouteClient? _route;

    public LinkInfo? GetLink(string name)
    {
        lock (_gate)
        {
            return Route.GetLink(name);
        }
    }

    public IReadOnlyList<InterfaceAddress> ListAddresses(int interfaceIndex)
    {
        lock (_gate)
        {
            return Route.ListAddresses(interfaceIndex);
        }
    }

    public bool AddAddress(int interfaceIndex, IPAddress address, int prefixLength, string? label = null)
    {
        lock (_gate)
        {
            return Route.AddAddress(interfaceIndex, address, prefixLength, label);
        }
    }

    public bool DeleteAddress(int interfaceIndex, IPAddress address, int prefixLength)
    {
        lock (_gate)
        {
            return Route.DeleteAddress(interfaceIndex, address, prefixLength);
        }
    }

    public async IAsyncEnumerable<LinkEvent> WatchAsync(string interfaceName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var monitor = LinkMonitor.Open(interfaceName);
        await foreach (var change in monitor.ReadEventsAsync(cancellationToken))
        {
            yield return change;
        }
    }

    public async IAsyncEnumerable<InterfaceAddress?> WatchAddressRemovalsAsync(int interfaceIndex,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var monitor = AddressMonitor.Open(interfaceIndex);
        await foreach (var removed in monitor.ReadRemovalsAsync(cancellationToken))
        {
            yield return removed;
        }
    }

    /// <summary>
    /// Asks the kernel to add an address to an interface index that cannot exist, which it refuses (ENODEV): the whole add path
    /// is then compiled before a takeover needs it, with no address added anywhere.
    /// </summary>
    public void WarmUp()
    {
        try
        {
            AddAddress(int.MaxValue, IPAddress.Parse("192.0.2.1"), 32);
        }
        catch (IOException)
        {
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

    private RouteClient Route => _route ??= RouteClient.Open();
}
