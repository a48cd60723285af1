using System.Net;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Ipvs;

/// <summary>
/// Dump replies written out the way ip_vs_genl_fill_service/_fill_dest (kernel 6.1) build them: nests
/// without NLA_F_NESTED, the 32/64-bit mixed STATS nest and the all-64-bit STATS64 nest (here with the
/// IPVS_STATS_ATTR_PAD filler other architectures insert), HASHED among the flags, NLM_F_MULTI, NLMSG_DONE.
/// </summary>
public class IpvsReplyParsingTests
{
    private const string Stats32 = """
        0800 0100 0a000000
        0800 0200 64000000
        0800 0300 00000000
        0c00 0400 1027000000000000
        0c00 0500 0000000000000000
        0800 0600 01000000
        0800 0700 02000000
        0800 0800 00000000
        0800 0900 c8000000
        0800 0a00 00000000
        """;

    private const string Stats64 = """
        0400 0b00
        0c00 0100 0a00000001000000
        0c00 0200 6400000000000000
        0c00 0300 0000000000000000
        0c00 0400 1027000000000000
        0c00 0500 0000000000000000
        0c00 0600 0100000000000000
        0c00 0700 0200000000000000
        0c00 0800 0000000000000000
        0c00 0900 c800000000000000
        0c00 0a00 0000000000000000
        """;

    private const string Done = "14000000 0300 0200 2a000000 34120000 00000000";

    private static readonly IpvsStats ExpectedStats = new(4294967306, 100, 0, 10000, 0, 1, 2, 0, 200, 0);

    private static readonly string ServiceReply = $"""
        44010000 1b00 0200 2a000000 34120000
        01 01 0000
        3001 0100
           0600 0100 0200 0000
           0600 0200 0600 0000
           1400 0300 c612000a 00000000 00000000 00000000
           0600 0400 0050 0000
           0800 0600 776c6300
           0c00 0700 03000000 ffffffff
           0800 0800 2c010000
           0800 0900 ffffffff
           5c00 0a00 {Stats32}
           8000 0c00 {Stats64}
        """;

    private static readonly string DestinationReply = $"""
        68010000 1b00 0200 2a000000 34120000
        05 01 0000
        5401 0200
           1400 0100 c6120102 00000000 00000000 00000000
           0600 0200 0050 0000
           0800 0300 03000000
           0800 0400 02000000
           0500 0d00 00 000000
           0600 0e00 0000 0000
           0600 0f00 0000 0000
           0800 0500 00000000
           0800 0600 00000000
           0800 0700 03000000
           0800 0800 05000000
           0800 0900 00000000
           0600 0b00 0200 0000
           5c00 0a00 {Stats32}
           8000 0c00 {Stats64}
        """;

    private static readonly IpvsService Web = IpvsService.ForAddress(IPAddress.Parse("198.18.0.10"), 80);

    [Fact]
    public void GetServices_KernelDump_GivesServiceWith64BitStats()
    {
        var fake = new FakeNetlinkConnection { Replies = _ => Hex.Parse(ServiceReply + Done) };
        using var client = new IpvsClient(fake, 0x1b);

        var entry = Assert.Single(client.GetServices());

        Assert.Equal(Web with { Flags = IpvsServiceFlags.Persistent, Timeout = 300 }, entry.Service);
        Assert.Equal("198.18.0.10:80/tcp", entry.Service.ToString());
        Assert.Equal(ExpectedStats, entry.Stats);
    }

    [Fact]
    public void GetDestinations_KernelDump_GivesWeightConnectionsAndStats()
    {
        var fake = new FakeNetlinkConnection { Replies = _ => Hex.Parse(DestinationReply + DestinationReply + Done) };
        using var client = new IpvsClient(fake, 0x1b);

        var entries = client.GetDestinations(Web);

        Assert.Equal(2, entries.Count);
        var entry = entries[0];
        Assert.Equal(IpvsDestination.Create(IPAddress.Parse("198.18.1.2"), 80, weight: 2), entry.Destination);
        Assert.Equal(IpvsForwardingMethod.DirectRoute, entry.Destination.Forwarding);
        Assert.Null(entry.Destination.Tunnel); // tunnel attributes of a DR destination mean nothing
        Assert.Equal((3u, 5u, 0u), (entry.ActiveConnections, entry.InactiveConnections, entry.PersistentConnections));
        Assert.Equal(ExpectedStats, entry.Stats);
    }

    [Fact]
    public void GetDestinations_RequestNamesTheService()
    {
        var fake = new FakeNetlinkConnection { Replies = _ => Hex.Parse(Done) };
        using var client = new IpvsClient(fake, 0x1b);

        Assert.Empty(client.GetDestinations(Web));

        var request = Assert.Single(fake.Requests);
        Assert.Equal(IpvsKernel.Command.GetDest, request[16]);
        Assert.Equal("c612000a", Hex.Format(request.AsSpan(44, 4))); // the value of ADDR inside the service nest
    }

    [Fact]
    public void GetInfo_Reply_GivesVersionAndTableSize()
    {
        var reply = "24000000 1b00 0000 2a000000 34120000 0e 01 0000 0800 0100 01020100 0800 0200 00100000";
        var fake = new FakeNetlinkConnection { Replies = _ => Hex.Parse(reply) };
        using var client = new IpvsClient(fake, 0x1b);

        var info = client.GetInfo();

        Assert.Equal("1.2.1", info.Version);
        Assert.Equal(4096u, info.ConnectionTableSize);
    }

    [Fact]
    public void GetTimeouts_Reply_GivesAllThree()
    {
        var reply = "2c000000 1b00 0000 2a000000 34120000 0c 01 0000 0800 0400 84030000 0800 0500 78000000 0800 0600 2c010000";
        var fake = new FakeNetlinkConnection { Replies = _ => Hex.Parse(reply) };
        using var client = new IpvsClient(fake, 0x1b);

        Assert.Equal(new IpvsTimeouts(900, 120, 300), client.GetTimeouts());
    }

    [Fact]
    public void GetDaemons_Dump_GivesBothRoles()
    {
        var master = """
            4c000000 1b00 0200 2a000000 34120000 09 01 0000
            3800 0300
               0800 0100 01000000
               0900 0200 65746830 00 000000
               0800 0300 33000000
               0600 0400 c805 0000
               0600 0700 9022 0000
               0500 0800 01 000000
            """;
        var backup = """
            3c000000 1b00 0200 2a000000 34120000 09 01 0000
            2800 0300
               0800 0100 02000000
               0900 0200 65746831 00 000000
               0800 0300 33000000
               0800 0500 e0000051
            """;
        var fake = new FakeNetlinkConnection { Replies = _ => Hex.Parse(master + backup + Done) };
        using var client = new IpvsClient(fake, 0x1b);

        var daemons = client.GetDaemons();

        Assert.Equal(
            [
                new IpvsSyncDaemon { State = IpvsSyncState.Master, InterfaceName = "eth0", SyncId = 51, MaxLength = 1480, MulticastPort = 8848, MulticastTtl = 1 },
                new IpvsSyncDaemon { State = IpvsSyncState.Backup, InterfaceName = "eth1", SyncId = 51, MulticastGroup = IPAddress.Parse("224.0.0.81") },
            ],
            daemons);
    }
}
