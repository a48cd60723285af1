using System.Net;
using HaDirector.Linux.IpvsSync;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Vrrp.Arp;
using HaDirector.Vrrp.Transport;

namespace HaDirector.Director.Kernel;

/// <summary>
/// Every effect the director has on its host, behind one injected seam (as seesaw's single kernel-touching
/// component): links and addresses, IPVS, sysctls, modules, and the sockets VRRP, GARP and the takeover grace
/// need. <see cref="LinuxKernel"/> is the real one; the unit tests use an in-memory model of a host.
/// </summary>
public interface IHostKernel
{
    ILinks Links { get; }

    ISysctls Sysctls { get; }

    IKernelModules Modules { get; }

    /// <summary>Routes in a table of our own, for announced VIPs.</summary>
    IRoutes Routes { get; }

    /// <summary>
    /// A connection of its own to IPVS, opened on first use and owned by the kernel: one per user, because a
    /// netlink socket serves one request at a time.
    /// </summary>
    IIpvsKernel OpenIpvs();

    /// <summary>The VRRP (IP protocol 112) socket of one interface for one address family.</summary>
    IVrrpSocket OpenVrrpSocket(string interfaceName, int interfaceIndex, System.Net.Sockets.AddressFamily family);

    /// <summary>The sender of gratuitous ARP frames on one interface.</summary>
    IArpSender OpenArpSender(string interfaceName);

    /// <summary>The ARP frames one interface receives (to detect another host claiming our VIPs).</summary>
    IArpListener OpenArpListener(string interfaceName, int interfaceIndex);

    /// <summary>The neighbour solicitations and advertisements one interface receives (the same, for our IPv6 VIPs).</summary>
    IArpListener OpenNeighbourListener(string interfaceName, int interfaceIndex);

    /// <summary>
    /// A TCP listener on <paramref name="endPoint"/> (which need not be local yet) that drops every segment
    /// unanswered; disposing closes it.
    /// </summary>
    IDisposable OpenSilentListener(IPEndPoint endPoint);

    /// <summary>
    /// The entries of the kernel's IPVS connection table that <paramref name="keep"/> (protocol, state, origin LOCAL:
    /// judged before the line is parsed further) and then <paramref name="wanted"/> keep; none without ip_vs.
    /// </summary>
    IReadOnlyList<IpvsConnection> ReadIpvsConnections(Func<IpvsProtocol, ushort, bool, bool> keep, Func<IpvsConnection, bool> wanted);

    /// <summary>Sends connection-sync datagrams to the sync daemons' group on <paramref name="interfaceName"/>, as the kernel's master daemon does.</summary>
    void SendIpvsSync(string interfaceName, IReadOnlyList<byte[]> datagrams);
}
