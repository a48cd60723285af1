using System.Globalization;
using System.Net;

namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>
/// One switched LAN in network namespaces: a router namespace holding bridge br0 (198.18.0.1/24) and one
/// namespace per host with eth0 on that bridge, 198.18.0.(10+i)/24. Names carry a random tag so runs never
/// collide; nothing is created in the root namespace, and Dispose removes all of it.
/// </summary>
public sealed class LanTopology : IDisposable
{
    public const string Subnet = "198.18.0.0/24";
    public static readonly IPAddress RouterAddress = IPAddress.Parse("198.18.0.1");

    private readonly List<string> _namespaces = [];

    public LanTopology(params string[] hosts)
    {
        Tag = "hd" + Random.Shared.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture);
        Router = Tag + "-rtr";
        try
        {
            AddNamespace(Router);
            Ip(Router, "link", "add", "br0", "type", "bridge");
            Ip(Router, "addr", "add", RouterAddress + "/24", "dev", "br0");
            Ip(Router, "link", "set", "br0", "up");
            Ip(Router, "link", "set", "lo", "up");
            // Like most routers, learn neighbours from gratuitous ARP (arp_accept) and take every update at
            // once (locktime 0: Linux otherwise ignores updates within 1 s of the last one).
            Shell.Check("ip", "netns", "exec", Router, "sysctl", "-q", "-w", "net.ipv4.conf.br0.arp_accept=1");
            Shell.Check("ip", "netns", "exec", Router, "sysctl", "-q", "-w", "net.ipv4.neigh.br0.locktime=0");
            for (var i = 0; i < hosts.Length; i++)
            {
                AddHost(hosts[i], IPAddress.Parse("198.18.0." + (10 + i).ToString(CultureInfo.InvariantCulture)));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Tag { get; }

    public string Router { get; }

    public Dictionary<string, LanHost> Hosts { get; } = [];

    public LanHost this[string name] => Hosts[name];

    public static void Ip(string ns, params string[] args) => Shell.Check("ip", ["-n", ns, .. args]);

    public static string IpOut(string ns, params string[] args) => Shell.Check("ip", ["-n", ns, .. args]);

    /// <summary>The addresses on a host's interface, as `ip -o -4 addr` prints them (a.b.c.d/len).</summary>
    public static IReadOnlyList<string> Addresses(string ns, string dev = "eth0") =>
        IpOut(ns, "-o", "-4", "addr", "show", "dev", dev)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => f[Array.IndexOf(f, "inet") + 1])
            .ToList();

    /// <summary>The router's neighbour-table MAC for an address, or null when it has none.</summary>
    public string? RouterNeighbourMac(IPAddress address)
    {
        var line = IpOut(Router, "neigh", "show", address.ToString(), "dev", "br0").Trim();
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var i = Array.IndexOf(f, "lladdr");
        return i >= 0 ? f[i + 1] : null;
    }

    public void Dispose()
    {
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            // Removing a namespace deletes its veth ends; processes still inside are the caller's to stop.
            Shell.Run("ip", "netns", "del", ns);
        }
        _namespaces.Clear();
    }

    private void AddNamespace(string ns)
    {
        Shell.Check("ip", "netns", "add", ns);
        _namespaces.Add(ns);
    }

    private void AddHost(string name, IPAddress address)
    {
        var ns = Tag + "-" + name;
        AddNamespace(ns);
        Shell.Check("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", "p-" + name, "netns", Router);
        Ip(Router, "link", "set", "p-" + name, "master", "br0");
        Ip(Router, "link", "set", "p-" + name, "up");
        Ip(ns, "addr", "add", address + "/24", "dev", "eth0");
        Ip(ns, "link", "set", "eth0", "up");
        Ip(ns, "link", "set", "lo", "up");
        Ip(ns, "route", "add", "default", "via", RouterAddress.ToString());
        var mac = IpOut(ns, "-o", "link", "show", "eth0").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Hosts[name] = new LanHost(name, ns, address, mac[Array.IndexOf(mac, "link/ether") + 1]);
    }
}

public sealed record LanHost(string Name, string Namespace, IPAddress Address, string Mac)
{
    public IReadOnlyList<string> Addresses() => LanTopology.Addresses(Namespace);

    public bool HasAddress(IPAddress vip) => Addresses().Any(a => a.StartsWith(vip + "/", StringComparison.Ordinal));
}
