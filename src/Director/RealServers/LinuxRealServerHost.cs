using System.Net;
using System.Net.Sockets;
using HaDirector.Linux.Netlink.Route;

namespace HaDirector.Director.RealServers;

/// <summary>
/// <see cref="IRealServerHost"/> on Linux: sysctls through /proc/sys files, addresses through rtnetlink.
/// Both are per network namespace, so this sees the namespace the process runs in.
/// </summary>
public sealed class LinuxRealServerHost : IRealServerHost, IDisposable
{
    private readonly RouteClient _route;
    private readonly string _procSys;
    private readonly int _loopbackIndex;

    public LinuxRealServerHost(RouteClient route, string procSysRoot = RealServerSysctls.ProcSysRoot)
    {
        _route = route;
        _procSys = procSysRoot;
        _loopbackIndex = Loopback().Index;
    }

    public RealServerObservation Observe()
    {
        var sysctls = RealServerSysctls.Desired.ToDictionary(s => s.Key, s => ReadSysctl(s.Key), StringComparer.Ordinal);
        var loopback = new HashSet<IPAddress>();
        var other = new Dictionary<IPAddress, string>();
        var names = new Dictionary<int, string>();
        foreach (var address in _route.ListAddresses())
        {
            // Link-local addresses are every interface's own (fe80::/10 is refused as a VIP).
            if (address.Address.IsIPv6LinkLocal)
            {
                continue;
            }

            if (address.InterfaceIndex == _loopbackIndex)
            {
                loopback.Add(address.Address);
            }
            else
            {
                if (!names.TryGetValue(address.InterfaceIndex, out var name))
                {
                    name = _route.GetLink(address.InterfaceIndex)?.Name ?? $"ifindex {address.InterfaceIndex}";
                    names[address.InterfaceIndex] = name;
                }
                other.TryAdd(address.Address, name);
            }
        }

        return new RealServerObservation(sysctls, loopback, other, Loopback().IsUp);
    }

    public void WriteSysctl(SysctlSetting setting) =>
        File.WriteAllText(SysctlSetting.PathOf(_procSys, setting.Key), setting.Value + "\n");

    /// <summary>A host address: /32, or /128 for IPv6 (which rtnetlink adds with IFA_F_NODAD, usable at once).</summary>
    public bool AddLoopbackVip(IPAddress vip) => _route.AddAddress(_loopbackIndex, vip, HostPrefix(vip));

    public bool DeleteLoopbackVip(IPAddress vip) => _route.DeleteAddress(_loopbackIndex, vip, HostPrefix(vip));

    private static int HostPrefix(IPAddress vip) => vip.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;

    public void Dispose() => _route.Dispose();

    private LinkInfo Loopback() => _route.GetLink(RealServerSysctls.LoopbackInterface)
        ?? throw new InvalidOperationException("this network namespace has no lo interface");

    private string ReadSysctl(string key) => File.ReadAllText(SysctlSetting.PathOf(_procSys, key)).Trim();
}
