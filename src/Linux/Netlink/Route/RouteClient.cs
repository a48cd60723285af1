using System.Net;
using System.Net.Sockets;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink.Route;

/// <summary>
/// Links and addresses over NETLINK_ROUTE. The socket belongs to the network namespace it was
/// opened in (see <see cref="NetworkNamespace"/>). Thread-safe: calls are serialised by the socket.
/// </summary>
public sealed class RouteClient : IDisposable
{
    private readonly INetlinkConnection _socket;
    private readonly Lock _gate = new();
    private readonly NetlinkWriter _writer = new();

    public RouteClient(INetlinkConnection socket) => _socket = socket;

    public static RouteClient Open() => new(NetlinkSocket.Open(LinuxConstants.NetlinkRoute));

    /// <summary>The interface called <paramref name="name"/>, or null if there is none.</summary>
    public LinkInfo? GetLink(string name) => QueryLink(w => RouteCodec.WriteGetLink(w, name), $"RTM_GETLINK {name}");

    /// <summary>The interface with index <paramref name="index"/>, or null if there is none.</summary>
    public LinkInfo? GetLink(int index) => QueryLink(w => RouteCodec.WriteGetLink(w, index), $"RTM_GETLINK ifindex {index}");

    /// <summary>Addresses of both families; only those on <paramref name="interfaceIndex"/> when given.</summary>
    public IReadOnlyList<InterfaceAddress> ListAddresses(int? interfaceIndex = null)
    {
        // The kernel flags a dump that raced with a change (NLM_F_DUMP_INTR); dump again then.
        for (var attempt = 1; ; attempt++)
        {
            var addresses = new List<InterfaceAddress>();
            bool consistent;
            lock (_gate)
            {
                _writer.Clear();
                RouteCodec.WriteDumpAddresses(_writer, 0);
                consistent = _socket.Execute(_writer.WrittenSpanMutable, message =>
                {
                    if (message.Header.Type == RouteConstants.NewAddr)
                    {
                        var address = RouteCodec.ParseAddress(message);
                        if (interfaceIndex is null || address.InterfaceIndex == interfaceIndex)
                        {
                            addresses.Add(address);
                        }
                    }
                }, "RTM_GETADDR dump");
            }

            if (consistent || attempt == 3)
            {
                return addresses;
            }
        }
    }

    /// <summary>Adds an address. Returns false if it was already there (EEXIST); other failures throw.</summary>
    public bool AddAddress(int interfaceIndex, IPAddress address, int prefixLength, string? label = null)
    {
        try
        {
            Run(w => RouteCodec.WriteAddAddress(w, interfaceIndex, address, prefixLength, label),
                $"RTM_NEWADDR {address}/{prefixLength} ifindex {interfaceIndex}");
            return true;
        }
        catch (NetlinkErrorException ex) when (ex.Errno == Errno.EEXIST)
        {
            return false;
        }
    }

    /// <summary>Deletes an address. Returns false if it was not there (EADDRNOTAVAIL, or ENOENT for IPv6).</summary>
    public bool DeleteAddress(int interfaceIndex, IPAddress address, int prefixLength)
    {
        try
        {
            Run(w => RouteCodec.WriteDeleteAddress(w, interfaceIndex, address, prefixLength),
                $"RTM_DELADDR {address}/{prefixLength} ifindex {interfaceIndex}");
            return true;
        }
        catch (NetlinkErrorException ex) when (ex.Errno is Errno.EADDRNOTAVAIL or Errno.ENOENT)
        {
            return false;
        }
    }

    /// <summary>The routes of <paramref name="table"/> tagged with <paramref name="protocol"/>, both families.</summary>
    public IReadOnlyList<KernelRoute> ListRoutes(uint table, byte protocol)
    {
        for (var attempt = 1; ; attempt++)
        {
            var routes = new List<KernelRoute>();
            bool consistent;
            lock (_gate)
            {
                _writer.Clear();
                RouteCodec.WriteDumpRoutes(_writer, 0);
                consistent = _socket.Execute(_writer.WrittenSpanMutable, message =>
                {
                    if (message.Header.Type == RouteConstants.NewRoute && RouteCodec.ParseRoute(message) is { } route
                        && route.Table == table && route.Protocol == protocol)
                    {
                        routes.Add(route);
                    }
                }, "RTM_GETROUTE dump");
            }

            if (consistent || attempt == 3)
            {
                return routes;
            }
        }
    }

    /// <summary>Adds a host route (see <see cref="RouteCodec.WriteAddRoute"/>). False if it was already there (EEXIST).</summary>
    public bool AddRoute(IPAddress destination, int prefixLength, uint table, byte protocol, int outputInterface, bool local = false)
    {
        try
        {
            Run(w => RouteCodec.WriteAddRoute(w, destination, prefixLength, table, protocol, outputInterface, local),
                $"RTM_NEWROUTE {destination}/{prefixLength} table {table} proto {protocol}");
            return true;
        }
        catch (NetlinkErrorException ex) when (ex.Errno == Errno.EEXIST)
        {
            return false;
        }
    }

    /// <summary>Deletes the route. False if it was not there (ESRCH).</summary>
    public bool DeleteRoute(IPAddress destination, int prefixLength, uint table, byte protocol, int outputInterface, bool local = false)
    {
        try
        {
            Run(w => RouteCodec.WriteDeleteRoute(w, destination, prefixLength, table, protocol, outputInterface, local),
                $"RTM_DELROUTE {destination}/{prefixLength} table {table} proto {protocol}");
            return true;
        }
        catch (NetlinkErrorException ex) when (ex.Errno == Errno.ESRCH)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    private LinkInfo? QueryLink(Action<NetlinkWriter> write, string operation)
    {
        LinkInfo? link = null;
        try
        {
            lock (_gate)
            {
                _writer.Clear();
                write(_writer);
                _socket.Execute(_writer.WrittenSpanMutable, message =>
                {
                    if (message.Header.Type == RouteConstants.NewLink)
                    {
                        link = RouteCodec.ParseLink(message);
                    }
                }, operation);
            }
        }
        catch (NetlinkErrorException ex) when (ex.Errno == Errno.ENODEV)
        {
            return null;
        }

        return link;
    }

    private void Run(Action<NetlinkWriter> write, string operation)
    {
        lock (_gate)
        {
            _writer.Clear();
            write(_writer);
            _socket.Execute(_writer.WrittenSpanMutable, null, operation);
        }
    }
}
