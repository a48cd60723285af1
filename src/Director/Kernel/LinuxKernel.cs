using System.Net;
using HaDirector.Linux.Interop;
using HaDirector.Linux.IpvsSync;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Vrrp.Arp;
using HaDirector.Vrrp.Transport;

namespace HaDirector.Director.Kernel;

/// <summary>
/// The real <see cref="IHostKernel"/>: rtnetlink for links and addresses, generic netlink for IPVS, /proc/sys,
/// modprobe, raw sockets for VRRP, AF_PACKET sockets for GARP. Opens nothing until asked; owns the IPVS connections it opens.
/// </summary>
public sealed class LinuxKernel : IHostKernel, IDisposable
{
    private readonly RouteLinks _links = new();
    private readonly RouteTables _routes = new();
    private readonly Lock _gate = new();
    private readonly List<LazyIpvsKernel> _ipvs = [];

    public ILinks Links => _links;

    public ISysctls Sysctls { get; } = new ProcSysctls();

    public IKernelModules Modules { get; } = new Modprobe();

    public IRoutes Routes => _routes;

    public IIpvsKernel OpenIpvs()
    {
        var ipvs = new LazyIpvsKernel(IpvsClient.Open, () => Modules.Load("ip_vs"));
        lock (_gate)
        {
            _ipvs.Add(ipvs);
        }

        return ipvs;
    }

    public IVrrpSocket OpenVrrpSocket(string interfaceName, int interfaceIndex, System.Net.Sockets.AddressFamily family) =>
        family == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? new VrrpIpv6Socket(interfaceName, interfaceIndex)
            : new VrrpSocket(interfaceName, interfaceIndex);

    public IArpSender OpenArpSender(string interfaceName) => new PacketArpSender(
        _links.GetLink(interfaceName) ?? throw new HostConditionException($"interface '{interfaceName}' does not exist"));

    public IArpListener OpenArpListener(string interfaceName, int interfaceIndex) => PacketListener.Arp(interfaceIndex);

    public IArpListener OpenNeighbourListener(string interfaceName, int interfaceIndex) => PacketListener.NeighbourDiscovery(interfaceIndex);

    public IDisposable OpenSilentListener(IPEndPoint endPoint) => SilentTcpListener.Open(endPoint);

    public IReadOnlyList<IpvsConnection> ReadIpvsConnections(Func<IpvsProtocol, ushort, bool, bool> keep, Func<IpvsConnection, bool> wanted) =>
        IpvsConnectionTable.Read(keep, wanted);

    public void SendIpvsSync(string interfaceName, IReadOnlyList<byte[]> datagrams) => IpvsSyncSender.Send(interfaceName, datagrams);

    public void Dispose()
    {
        lock (_gate)
        {
            _ipvs.ForEach(i => i.Dispose());
            _ipvs.Clear();
        }

        _links.Dispose();
        _routes.Dispose();
    }
}
