namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>
/// A <see cref="LanTopology"/> with the directors a test starts on it: disposed together, and one place that
/// gathers every director's output for a failure message.
/// </summary>
public sealed class DirectorLan(params string[] hosts) : IDisposable
{
    private readonly List<DirectorProcess> _directors = [];

    public LanTopology Lan { get; } = new(hosts);

    public LanHost this[string name] => Lan[name];

    /// <summary>Starts `hadirector run` on <paramref name="host"/> with <paramref name="yaml"/>.</summary>
    public DirectorProcess Start(LanHost host, string yaml)
    {
        var director = new DirectorProcess(host, yaml);
        _directors.Add(director);
        return director;
    }

    /// <summary>
    /// A second bridge br1 (198.18.1.1/24) in the router namespace and eth1 198.18.1.(10+i)/24 on each host, in the
    /// order the hosts were named: a second LAN for a second VRRP instance (sync groups).
    /// </summary>
    public void AddSecondLan()
    {
        var router = Lan.Router;
        LanTopology.Ip(router, "link", "add", "br1", "type", "bridge");
        LanTopology.Ip(router, "addr", "add", "198.18.1.1/24", "dev", "br1");
        LanTopology.Ip(router, "link", "set", "br1", "up");
        var i = 0;
        foreach (var name in hosts)
        {
            var host = Lan[name];
            Shell.Check("ip", "link", "add", "eth1", "netns", host.Namespace, "type", "veth", "peer", "name", "q-" + host.Name, "netns", router);
            LanTopology.Ip(router, "link", "set", "q-" + host.Name, "master", "br1");
            LanTopology.Ip(router, "link", "set", "q-" + host.Name, "up");
            LanTopology.Ip(host.Namespace, "addr", "add", "198.18.1." + (10 + i++).ToString(System.Globalization.CultureInfo.InvariantCulture) + "/24", "dev", "eth1");
            LanTopology.Ip(host.Namespace, "link", "set", "eth1", "up");
        }
    }

    public string Diagnostics() => string.Join(Environment.NewLine, _directors.Select(p => p.Process.Output));

    public void Dispose()
    {
        foreach (var d in _directors)
        {
            d.Dispose();
        }
        Lan.Dispose();
    }
}
