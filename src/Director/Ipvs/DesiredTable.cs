using HaDirector.Director.Configuration;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// The IPVS table as it should be: configuration, with health verdicts and operator drains applied.
/// Immutable; its lookups are built once so each reconcile pass only indexes the kernel's side.
/// </summary>
public sealed class DesiredTable
{
    private readonly Dictionary<ServiceKey, DesiredService> _services;
    private readonly Dictionary<RealServerId, IpvsDestination> _destinations;

    public DesiredTable(IEnumerable<DesiredService> services)
    {
        Services = [.. services];
        _services = new Dictionary<ServiceKey, DesiredService>(Services.Count);
        _destinations = new Dictionary<RealServerId, IpvsDestination>(Services.Sum(s => s.Destinations.Count));
        foreach (var service in Services)
        {
            if (!_services.TryAdd(service.Key, service))
            {
                throw new ArgumentException($"service {service.Key} is listed twice", nameof(services));
            }

            foreach (var destination in service.Destinations)
            {
                var id = new RealServerId(service.Key, DestinationKey.Of(destination));
                if (!_destinations.TryAdd(id, destination))
                {
                    throw new ArgumentException($"real server {id} is listed twice", nameof(services));
                }
            }
        }
    }

    public static DesiredTable Empty { get; } = new([]);

    public IReadOnlyList<DesiredService> Services { get; }

    public int DestinationCount => _destinations.Count;

    public IEnumerable<ServiceKey> Keys => _services.Keys;

    public bool Contains(ServiceKey key) => _services.ContainsKey(key);

    public bool TryGetService(ServiceKey key, out DesiredService service) => _services.TryGetValue(key, out service!);

    public bool TryGetDestination(RealServerId id, out IpvsDestination destination) => _destinations.TryGetValue(id, out destination!);

    /// <summary>
    /// Builds the table: a real server with a health verdict gets its weight or is left out; a drained one
    /// gets weight 0 (drain wins over health: the operator asked). The sorry server is added only when no
    /// real server of that service is left with a weight above 0, because IPVS would otherwise share
    /// new connections between it and the healthy ones.
    /// </summary>
    public static DesiredTable Build(
        IEnumerable<VirtualServerConfig> virtualServers,
        IReadOnlyDictionary<RealServerId, RealServerHealth>? health = null,
        IReadOnlyCollection<DrainTarget>? drains = null) =>
        new(BuildServices(virtualServers, health, drains));

    /// <summary>Like <see cref="Build"/>, without indexing a table: for a pass over a few services.</summary>
    internal static List<DesiredService> BuildServices(
        IEnumerable<VirtualServerConfig> virtualServers,
        IReadOnlyDictionary<RealServerId, RealServerHealth>? health,
        IReadOnlyCollection<DrainTarget>? drains)
    {
        var services = new List<DesiredService>();
        foreach (var virtualServer in virtualServers)
        {
            var service = ServiceMapping.ToService(virtualServer);
            var serviceKey = ServiceKey.Of(service);
            var destinations = new List<IpvsDestination>(virtualServer.RealServers.Count + 1);
            var serving = false;
            foreach (var realServer in virtualServer.RealServers)
            {
                var destination = ServiceMapping.ToDestination(virtualServer, realServer);
                var key = DestinationKey.Of(destination);
                if (health is { Count: > 0 } && health.TryGetValue(new RealServerId(serviceKey, key), out var verdict))
                {
                    if (verdict.Action == RealServerHealthAction.Remove)
                    {
                        continue;
                    }

                    destination = destination with { Weight = verdict.Weight };
                }

                if (drains is not null && IsDrained(drains, virtualServer.Name, key))
                {
                    destination = destination with { Weight = 0 };
                }

                serving |= destination.Weight > 0;
                destinations.Add(destination);
            }

            if (HashesInListOrder(virtualServer.Scheduler))
            {
                destinations.Sort(ByAddressAndPort);
            }

            if (!serving && virtualServer.SorryServer is { } sorryServer)
            {
                var sorry = ServiceMapping.ToDestination(virtualServer, sorryServer);
                var sorryKey = DestinationKey.Of(sorry);
                if (!destinations.Exists(d => DestinationKey.Of(d) == sorryKey))
                {
                    destinations.Add(sorry);
                }
            }

            services.Add(new DesiredService(service, destinations));
        }

        return services;
    }

    /// <summary>
    /// mh, sh and dh build their tables walking the service's destination list, which IPVS keeps in the order they were
    /// added (the last added first): directors that must agree on a flow's real server must add them in the same
    /// order. Sorted by address and port, the order in the file does not count; what still differs is a real
    /// server that one director alone removed and added back (docs/scale-out.md).
    /// </summary>
    private static bool HashesInListOrder(string scheduler) => scheduler is "mh" or "sh" or "dh";

    private static int ByAddressAndPort(IpvsDestination a, IpvsDestination b)
    {
        // Without allocating: a pass sorts every mh service's list again.
        Span<byte> x = stackalloc byte[16];
        Span<byte> y = stackalloc byte[16];
        a.Address.TryWriteBytes(x, out var xLength);
        b.Address.TryWriteBytes(y, out var yLength);
        var order = xLength.CompareTo(yLength);
        order = order != 0 ? order : x[..xLength].SequenceCompareTo(y[..yLength]);
        return order != 0 ? order : a.Port.CompareTo(b.Port);
    }

    private static bool IsDrained(IReadOnlyCollection<DrainTarget> drains, string virtualServer, DestinationKey destination)
    {
        foreach (var drain in drains)
        {
            if (drain.Matches(virtualServer, destination))
            {
                return true;
            }
        }

        return false;
    }
}
