using System.Net;
using System.Net.Sockets;

namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>
/// A LAN for an interop test: HaDirector and keepalived (2.2.7 or 2.4.3) processes on a <see cref="LanTopology"/>, one
/// VIP (IPv4 or IPv6), disposed together; one place for "who holds the VIP" and for the failure message (every
/// process's output and each host's addresses).
/// </summary>
public sealed class InteropLan : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly List<IDisposable> _processes = [];

    /// <summary>A new LAN of <paramref name="hosts"/> (lb1 and lb2 if none are named).</summary>
    public InteropLan(IPAddress vip, params string[] hosts)
        : this(new LanTopology(hosts.Length > 0 ? hosts : ["lb1", "lb2"]), vip)
    {
    }

    /// <summary>On a LAN prepared by the caller (an IPv6 one, say), which this then owns.</summary>
    public InteropLan(LanTopology lan, IPAddress vip)
    {
        Lan = lan;
        Vip = vip;
    }

    public LanTopology Lan { get; }

    public IPAddress Vip { get; }

    public LanHost this[string name] => Lan[name];

    /// <summary>The other host of a two-host LAN.</summary>
    public LanHost Other(LanHost host) => Lan.Hosts.Values.Single(h => h != host);

    /// <summary>Registers a process started on the LAN: disposed with it, its output in <see cref="Diagnostics"/>.</summary>
    public T Add<T>(T process)
        where T : IDisposable
    {
        _processes.Add(process);
        return process;
    }

    /// <summary>Starts `hadirector run` on <paramref name="host"/>.</summary>
    public DirectorProcess StartOurs(LanHost host, string yaml) => Add(new DirectorProcess(host, yaml));

    /// <summary>A host's addresses of the VIP's family on eth0 (address/len).</summary>
    public IReadOnlyList<string> Addresses(LanHost host) =>
        Vip.AddressFamily == AddressFamily.InterNetworkV6
            ? LanTopology.IpOut(host.Namespace, "-o", "-6", "addr", "show", "dev", "eth0")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(f => f[Array.IndexOf(f, "inet6") + 1])
                .ToList()
            : host.Addresses();

    public bool HasVip(LanHost host) => Addresses(host).Any(a => a.StartsWith(Vip + "/", StringComparison.Ordinal));

    public bool IsSoleMaster(LanHost master) => HasVip(master) && !HasVip(Other(master));

    /// <summary>Waits (20 s at most) until <paramref name="master"/> holds the VIP and the other host does not.</summary>
    public void WaitSoleMaster(LanHost master) =>
        Wait.Until(() => IsSoleMaster(master), Bound, $"{master.Name} to hold {Vip} alone", Diagnostics);

    /// <summary>Checks for <paramref name="period"/> that <paramref name="master"/> holds the VIP alone all along.</summary>
    public void HoldsSoleMaster(LanHost master, TimeSpan period) =>
        Wait.Holds(() => IsSoleMaster(master), period, $"{master.Name} alone holding {Vip}", Diagnostics);

    /// <summary>Waits (20 s at most) for a line containing <paramref name="text"/> in <paramref name="process"/>'s output.</summary>
    public void WaitOutput(ManagedProcess process, string text) =>
        Wait.Until(() => process.OutputContains(text), Bound, $"{process.Name} to log '{text}'", Diagnostics);

    public string Diagnostics() =>
        string.Join(Environment.NewLine, _processes.Select(p => p switch
        {
            DirectorProcess d => d.Process.Output,
            KeepalivedPeer k => k.Process.Output,
            Keepalived24Peer k => k.Process.Output,
            ManagedProcess m => m.Output,
            _ => "",
        }))
        + Environment.NewLine + string.Join("; ", Lan.Hosts.Values.Select(h => $"{h.Name}: {string.Join(", ", Addresses(h))}"));

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }

        Lan.Dispose();
    }
}
