using System.Net;
using HaDirector.Linux.Netlink.Route;

namespace HaDirector.Director.Vrrp;

/// <summary>Adds and removes virtual addresses over one rtnetlink socket shared by all instances.</summary>
public sealed class VipManager : IDisposable
{
    private readonly RouteClient _route;
    private readonly Lock _gate = new();

    public VipManager(RouteClient route) => _route = route;

    /// <summary>True when the address was added, false when it was already there.</summary>
    public bool Add(int interfaceIndex, IPAddress address, int prefixLength)
    {
        lock (_gate)
        {
            return _route.AddAddress(interfaceIndex, address, prefixLength);
        }
    }

    /// <summary>True when the address was removed, false when it was not there.</summary>
    public bool Remove(int interfaceIndex, IPAddress address, int prefixLength)
    {
        lock (_gate)
        {
            return _route.DeleteAddress(interfaceIndex, address, prefixLength);
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
            Add(int.MaxValue, IPAddress.Parse("192.0.2.1"), 32);
        }
        catch (IOException)
        {
        }
    }

    public IReadOnlyList<InterfaceAddress> List(int interfaceIndex)
    {
        lock (_gate)
        {
            return _route.ListAddresses(interfaceIndex);
        }
    }

    public LinkInfo? GetLink(string name)
    {
        lock (_gate)
        {
            return _route.GetLink(name);
        }
    }

    public void Dispose() => _route.Dispose();
}
