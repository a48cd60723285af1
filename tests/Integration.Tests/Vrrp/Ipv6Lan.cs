using System.Globalization;
using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// IPv6 on a <see cref="LanTopology"/>: the router's bridge gets 2001:2::1/64 (RFC 5180's benchmarking prefix), each
/// host its link-local address and, when asked, 2001:2::(10+i)/64. The bridge floods multicast (no MLD querier
/// here), and the tests start once no address is tentative any more.
/// </summary>
internal sealed class Ipv6Lan : IDisposable
{
    public static readonly IPAddress RouterAddress = IPAddress.Parse("2001:2::1");

    public Ipv6Lan(bool globalAddresses, params string[] hosts)
    {
        Lan = new LanTopology(hosts);
        try
        {
            LanTopology.Ip(Lan.Router, "link", "set", "br0", "type", "bridge", "mcast_snooping", "0");
            LanTopology.Ip(Lan.Router, "addr", "add", RouterAddress + "/64", "dev", "br0", "nodad");
            for (var i = 0; i < hosts.Length; i++)
            {
                if (globalAddresses)
                {
                    LanTopology.Ip(Lan[hosts[i]].Namespace, "addr", "add",
                        "2001:2::" + (10 + i).ToString(CultureInfo.InvariantCulture) + "/64", "dev", "eth0", "nodad");
                }
            }

            foreach (var host in Lan.Hosts.Values)
            {
                Wait.Until(() => LanTopology.IpOut(host.Namespace, "-6", "addr", "show", "dev", "eth0", "tentative").Trim().Length == 0,
                    TimeSpan.FromSeconds(10), $"{host.Name}'s link-local address to leave duplicate address detection", () => "");
            }
        }
        catch
        {
            Lan.Dispose();
            throw;
        }
    }

    public LanTopology Lan { get; }

    public LanHost this[string name] => Lan[name];

    /// <summary>The IPv6 addresses on a host's eth0 (`ip -o -6 addr`).</summary>
    public static IReadOnlyList<string> Addresses(LanHost host) =>
        LanTopology.IpOut(host.Namespace, "-o", "-6", "addr", "show", "dev", "eth0")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => f[Array.IndexOf(f, "inet6") + 1])
            .ToList();

    public static bool HasAddress(LanHost host, IPAddress vip) => Addresses(host).Contains(vip + "/128");

    /// <summary>
    /// The router resolves <paramref name="vip"/> (an echo request): its neighbour table then has an entry to update. The
    /// echo itself may go unanswered (a host with link-local addresses only has no route back to 2001:2::1).
    /// </summary>
    public void RouterReaches(IPAddress vip)
    {
        Shell.Run("ip", "netns", "exec", Lan.Router, "ping", "-6", "-c", "1", "-W", "1", vip.ToString());
        Wait.Until(() => RouterNeighbour(vip).Mac is not null, TimeSpan.FromSeconds(5), $"the router to resolve {vip}", () => "");
    }

    /// <summary>The router's `ip -6 neigh` entry for <paramref name="vip"/>: its MAC and whether it is flagged a router.</summary>
    public (string? Mac, bool Router) RouterNeighbour(IPAddress vip)
    {
        var f = LanTopology.IpOut(Lan.Router, "-6", "neigh", "show", vip.ToString(), "dev", "br0").Trim()
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var i = Array.IndexOf(f, "lladdr");
        return (i >= 0 ? f[i + 1] : null, f.Contains("router"));
    }

    public void Dispose() => Lan.Dispose();
}
