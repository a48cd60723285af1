using System.Net;
using HaDirector.Linux.Netlink.Route;

namespace HaDirector.Director.Kernel;

/// <summary>The host's network interfaces: their state, their addresses, and changes of their link.</summary>
public interface ILinks
{
    /// <summary>Null when no interface has that name.</summary>
    LinkInfo? GetLink(string name);

    IReadOnlyList<InterfaceAddress> ListAddresses(int interfaceIndex);

    /// <summary>True when the address was added, false when it was already there. <paramref name="label"/>: IFA_LABEL (IPv4 only).</summary>
    bool AddAddress(int interfaceIndex, IPAddress address, int prefixLength, string? label = null);

    /// <summary>True when the address was removed, false when it was not there.</summary>
    bool DeleteAddress(int interfaceIndex, IPAddress address, int prefixLength);

    /// <summary>The interface's state now, then each change of it, until <paramref name="cancellationToken"/> fires.</summary>
    IAsyncEnumerable<LinkEvent> WatchAsync(string interfaceName, CancellationToken cancellationToken);

    /// <summary>
    /// Each address removed from the interface (by anyone, this process too), until <paramref name="cancellationToken"/>
    /// fires; null when notifications were lost and any address may be gone.
    /// </summary>
    IAsyncEnumerable<InterfaceAddress?> WatchAddressRemovalsAsync(int interfaceIndex, CancellationToken cancellationToken);

    /// <summary>Prepares the address path without changing any address (the first takeover must not pay for it).</summary>
    void WarmUp();
}
