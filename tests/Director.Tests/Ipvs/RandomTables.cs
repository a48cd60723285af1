using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Ipvs;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Tests.Ipvs;

/// <summary>Random desired tables and kernel tables derived from them by plausible drift, from a seeded Random.</summary>
internal sealed class RandomTables(int seed)
{
    private static readonly string[] Schedulers = ["rr", "wrr", "wlc", "lc", "sh", "mh"];
    private static readonly IpvsForwardingMethod[] Methods = [IpvsForwardingMethod.DirectRoute, IpvsForwardingMethod.Masquerade, IpvsForwardingMethod.Tunnel];

    private readonly Random _random = new(seed);
    private int _nextService;

    public DesiredTable Desired(int maxServices = 12)
    {
        var count = _random.Next(0, maxServices + 1);
        var services = new List<DesiredService>(count);
        for (var i = 0; i < count; i++)
        {
            var service = Service();
            services.Add(new DesiredService(service, Destinations(service.Family)));
        }

        return new DesiredTable(services);
    }

    /// <summary>
    /// The desired table with drift: services missing or with other settings, destinations missing,
    /// extra or reweighted, plus owned services nobody wants any more and foreign ones.
    /// </summary>
    public (KernelTable Kernel, HashSet<ServiceKey> Owned, List<KernelService> Unowned) Drift(DesiredTable desired)
    {
        var owned = desired.Keys.ToHashSet();
        var services = new List<KernelService>();
        foreach (var service in desired.Services)
        {
            if (_random.Next(5) == 0)
            {
                continue;
            }

            var settings = _random.Next(4) == 0 ? service.Service with { Scheduler = Pick(Schedulers), Timeout = (uint)_random.Next(0, 600) } : service.Service;
            var destinations = new List<IpvsDestination>();
            foreach (var destination in service.Destinations)
            {
                switch (_random.Next(6))
                {
                    case 0:
                        break;
                    case 1:
                        destinations.Add(destination with { Weight = (uint)_random.Next(0, 100) });
                        break;
                    case 2:
                        destinations.Add(destination with { Forwarding = Pick(Methods) });
                        break;
                    default:
                        destinations.Add(destination);
                        break;
                }
            }

            if (_random.Next(3) == 0)
            {
                destinations.Add(Destination(service.Service.Family));
            }

            services.Add(KernelService.Of(settings, Distinct(destinations)));
        }

        for (var i = _random.Next(0, 3); i > 0; i--)
        {
            var stale = Service();
            owned.Add(ServiceKey.Of(stale));
            services.Add(KernelService.Of(stale, Destinations(stale.Family)));
        }

        var unowned = new List<KernelService>();
        for (var i = _random.Next(0, 3); i > 0; i--)
        {
            var foreign = Service();
            unowned.Add(KernelService.Of(foreign, Destinations(foreign.Family)));
        }

        services.AddRange(unowned);
        Shuffle(services);
        return (new KernelTable(services), owned, unowned);
    }

    /// <summary>The same table with new weights on some destinations and nothing else changed.</summary>
    public DesiredTable Reweighted(DesiredTable desired) => new([.. desired.Services.Select(s => s with
    {
        Destinations = [.. s.Destinations.Select(d => _random.Next(2) == 0 ? d with { Weight = d.Weight + 1 + (uint)_random.Next(0, 5) } : d)],
    })]);

    private IpvsService Service()
    {
        // A counter keeps keys unique; the random part decides the kind of service.
        var n = ++_nextService;
        var kind = _random.Next(5);
        var service = kind switch
        {
            0 => IpvsService.ForFirewallMark((uint)n, AddressFamily.InterNetwork),
            1 => IpvsService.ForAddress(IPAddress.Parse($"2001:db8::{n:x}"), (ushort)_random.Next(1, 65536), IpvsProtocol.Tcp),
            _ => IpvsService.ForAddress(new IPAddress([198, 18, (byte)(n / 250), (byte)(n % 250 + 1)]), (ushort)_random.Next(1, 65536), (IpvsProtocol)Pick([6, 17, 132])),
        };
        var persistent = _random.Next(3) == 0;
        return service with
        {
            Scheduler = Pick(Schedulers),
            Flags = (persistent ? IpvsServiceFlags.Persistent : IpvsServiceFlags.None) | (_random.Next(4) == 0 ? IpvsServiceFlags.OnePacket : IpvsServiceFlags.None),
            Timeout = persistent ? (uint)_random.Next(1, 3600) : 0,
        };
    }

    private List<IpvsDestination> Destinations(AddressFamily family) =>
        Distinct([.. Enumerable.Range(0, _random.Next(0, 7)).Select(_ => Destination(family))]);

    private IpvsDestination Destination(AddressFamily family)
    {
        var address = family == AddressFamily.InterNetworkV6
            ? IPAddress.Parse($"2001:db8:1::{_random.Next(1, 30):x}")
            : new IPAddress([198, 19, 0, (byte)_random.Next(1, 30)]);
        return IpvsDestination.Create(address, (ushort)Pick([80, 443, 8080]), (uint)_random.Next(0, 10), Pick(Methods));
    }

    private static List<IpvsDestination> Distinct(List<IpvsDestination> destinations) =>
        [.. destinations.DistinctBy(DestinationKey.Of)];

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    private void Shuffle<T>(List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
