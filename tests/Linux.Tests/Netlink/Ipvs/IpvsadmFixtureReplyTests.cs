using System.Net;
using HaDirector.Linux.Netlink.Codec;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Ipvs;

/// <summary>The kernel's own replies, captured in the test VM, parsed by our client through a replaying fake.</summary>
public class IpvsadmFixtureReplyTests
{
    [IpvsadmFixtureFact]
    public void ServicesWithDestinations_ParseAsIpvsadmConfiguredThem()
    {
        using var client = Replay("list-services-with-dests.txt", out var family);

        // A dump comes in the kernel's hash order, which differs from boot to boot: compare as sets.
        var services = Sorted(client.GetServices().Select(e => e.Service));
        var tcp = IpvsService.ForAddress(IPAddress.Parse("198.18.0.10"), 80);
        var udp = tcp with { Protocol = IpvsProtocol.Udp, Port = 53, Scheduler = "rr" };
        Assert.Equal(Sorted([udp, tcp]), services);

        var tcpDestinations = Sorted(client.GetDestinations(tcp).Select(e => e.Destination));
        Assert.Equal(Sorted([Dest("198.18.0.12", 80, 1, IpvsForwardingMethod.DirectRoute), Dest("198.18.0.11", 80, 2, IpvsForwardingMethod.DirectRoute)]), tcpDestinations);

        var udpDestinations = Sorted(client.GetDestinations(udp).Select(e => e.Destination));
        Assert.Equal(
            Sorted([
                Dest("198.18.0.12", 53, 3, IpvsForwardingMethod.Tunnel), // the reported IPIP default reads as "no options"
                Dest("198.18.0.11", 53, 1, IpvsForwardingMethod.Masquerade),
            ]),
            udpDestinations);
        Assert.NotEqual(0, family);
    }

    private static List<T> Sorted<T>(IEnumerable<T> items) => [.. items.OrderBy(i => i!.ToString(), StringComparer.Ordinal)];

    [IpvsadmFixtureFact]
    public void Daemon_ParsesKernelDefaults()
    {
        using var client = Replay("list-daemon.txt", out _);

        var daemon = Assert.Single(client.GetDaemons());

        Assert.Equal(
            new IpvsSyncDaemon
            {
                State = IpvsSyncState.Master,
                InterfaceName = "lo",
                SyncId = 7,
                MaxLength = 1472,
                MulticastGroup = IPAddress.Parse("224.0.0.81"),
                MulticastPort = 8848,
                MulticastTtl = 1,
            },
            daemon);
    }

    [IpvsadmFixtureFact]
    public void TimeoutsAndInfo_Parse()
    {
        using var timeouts = Replay("list-timeouts.txt", out _);
        Assert.Equal(new IpvsTimeouts(900, 120, 300), timeouts.GetTimeouts());

        using var info = Replay("get-info.txt", out _);
        Assert.Equal(new IpvsInfo(0x010201, 4096), info.GetInfo());
    }

    private static IpvsDestination Dest(string address, ushort port, uint weight, IpvsForwardingMethod forwarding) =>
        IpvsDestination.Create(IPAddress.Parse(address), port, weight, forwarding);

    /// <summary>
    /// A fake kernel that answers each request with the replies the real one gave to the next captured
    /// request with the same command (the nlctrl exchanges are skipped: we resolve the family once).
    /// </summary>
    private static IpvsClient Replay(string file, out ushort family)
    {
        var exchanges = new List<(FixtureMessage Request, List<byte[]> Replies)>();
        foreach (var message in IpvsadmFixtures.Load(file))
        {
            if (message.Direction == "req")
            {
                exchanges.Add((message, []));
            }
            else if (exchanges.Count > 0 && exchanges[^1].Request.Family == "ipvs")
            {
                exchanges[^1].Replies.Add(message.Bytes);
            }
        }

        var ipvs = exchanges.Where(e => e.Request.Family == "ipvs").ToList();
        family = ipvs[0].Request.Type;
        var fake = new FakeNetlinkConnection
        {
            Replies = request =>
            {
                var index = ipvs.FindIndex(e => e.Request.Command == request[16]);
                Assert.True(index >= 0, $"the capture has no command {request[16]}");
                var replies = ipvs[index].Replies;
                ipvs.RemoveAt(index);
                return [.. replies.SelectMany(r => r)];
            },
        };
        return new IpvsClient(fake, family);
    }
}
