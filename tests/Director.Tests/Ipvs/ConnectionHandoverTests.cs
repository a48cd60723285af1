using System.Buffers.Binary;
using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Linux.IpvsSync;
using HaDirector.Linux.Netlink.Ipvs;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class ConnectionHandoverTests
{
    private static readonly VirtualServerConfig Web = TestConfigs.Web();
    private static readonly VirtualServerConfig Api = TestConfigs.Web(443) with
    {
        Forwarding = IpvsForwardingMethod.Masquerade,
    };

    private static readonly SyncDaemonConfig Sync = new("eth1", 51);

    private readonly FakeKernel _kernel = new();
    private readonly RecordingLogger<ConnectionHandover> _log = new();

    private ConnectionHandover Handover() =>
        new(_kernel, Sync, DesiredTable.Build([Web, Api]), _log);

    private static IpvsConnection Connection(int clientPort, IpvsTcpState state, uint expires, bool local = true, int port = 80, string destination = "198.18.1.1") => new(
        IpvsProtocol.Tcp, IPEndPoint.Parse($"198.18.0.7:{clientPort}"), new IPEndPoint(IPAddress.Parse("198.18.0.10"), port),
        new IPEndPoint(IPAddress.Parse(destination), port), (ushort)state, local, expires);

    /// <summary>(client port, flags, state) of every entry sent, in order.</summary>
    private List<(int Port, uint Flags, IpvsTcpState State)> Sent()
    {
        var (iface, datagrams) = Assert.Single(_kernel.SyncSent);
        Assert.Equal("eth1", iface);
        var entries = new List<(int, uint, IpvsTcpState)>();
        foreach (var datagram in datagrams)
        {
            Assert.Equal(51, datagram[1]);
            var offset = IpvsSyncMessage.HeaderLength;
            for (var k = 0; k < datagram[4]; k++)
            {
                var entry = datagram.AsSpan(offset);
                entries.Add((BinaryPrimitives.ReadUInt16BigEndian(entry[10..]), BinaryPrimitives.ReadUInt32BigEndian(entry[4..]),
                    (IpvsTcpState)BinaryPrimitives.ReadUInt16BigEndian(entry[8..])));
                offset += IpvsSyncMessage.Ipv4EntryLength;
            }
        }

        return entries;
    }

    [Fact]
    public void Send_LeftMaster_EveryHalfOpenAndTheRecentlyActiveEntriesItScheduledForItsServices()
    {
        _kernel.IpvsConnections.AddRange(
        [
            Connection(1001, IpvsTcpState.Established, 900),
            Connection(1002, IpvsTcpState.SynReceived, 12),                   // half-open, however old: the kernel never announces it
            Connection(1003, IpvsTcpState.Established, 897),                  // traffic within the flush period
            Connection(1004, IpvsTcpState.Established, 896),                  // older: the kernel has announced it
            Connection(1005, IpvsTcpState.Established, 900, local: false),    // learnt from the peer
            Connection(1006, IpvsTcpState.FinWait, 900),                      // the kernel announces closing states at once
            Connection(1007, IpvsTcpState.Established, 900, port: 8080),      // no service of ours
            Connection(1008, IpvsTcpState.Established, 900, destination: "198.18.9.9"), // a real server no longer configured
        ]);

        var sent = Handover().Send("web", TestConfigs.Owned(Web));

        Assert.Equal(3, sent);
        Assert.Equal(
        [
            (1002, IpvsKernel.ConnectionFlag.DirectRoute | IpvsKernel.ConnectionFlag.Inactive, IpvsTcpState.SynReceived),
            (1001, IpvsKernel.ConnectionFlag.DirectRoute, IpvsTcpState.Established),
            (1003, IpvsKernel.ConnectionFlag.DirectRoute, IpvsTcpState.Established),
        ], Sent());
        Assert.Contains(_log.Entries, e => e.Id.Id == 2121 && e.Message.StartsWith("web: handed 3 connections in flight over to the new master (1 half-open; table read in ", StringComparison.Ordinal));
    }

    [Fact]
    public void Send_NatService_EntriesCarryItsForwardingMethod()
    {
        _kernel.IpvsConnections.Add(Connection(2001, IpvsTcpState.Established, 900, port: 443));

        Handover().Send("api", TestConfigs.Owned(Api));

        Assert.Equal([(2001, IpvsKernel.ConnectionFlag.Masquerade, IpvsTcpState.Established)], Sent());
    }

    [Fact]
    public void Send_NothingInFlight_SendsNothing()
    {
        _kernel.IpvsConnections.Add(Connection(1005, IpvsTcpState.Established, 900, local: false));

        Assert.Equal(0, Handover().Send("web", TestConfigs.Owned(Web)));

        Assert.Empty(_kernel.SyncSent);
    }

    [Fact]
    public void Select_SynFlood_BoundedHalfOpenFirstThenTheMostRecent()
    {
        var candidates = Enumerable.Range(0, ConnectionHandover.MaxConnections + 10)
            .Select(k => Connection(k % 60000, IpvsTcpState.SynReceived, (uint)(k % 60)))
            .Append(Connection(1, IpvsTcpState.Established, 900))
            .ToList();

        var chosen = ConnectionHandover.Select(candidates);

        Assert.Equal(ConnectionHandover.MaxConnections, chosen.Count);
        Assert.All(chosen, c => Assert.Equal((ushort)IpvsTcpState.SynReceived, c.State));
        Assert.Equal(59u, chosen[0].ExpiresSeconds);
    }

    [Fact]
    public void Send_TheTableCannotBeRead_LoggedNotThrown()
    {
        var kernel = Substitute.For<HaDirector.Director.Kernel.IHostKernel>();
        kernel.ReadIpvsConnections(Arg.Any<Func<IpvsProtocol, ushort, bool, bool>>(), Arg.Any<Func<IpvsConnection, bool>>()).Throws(new IOException("gone"));

        var sent = new ConnectionHandover(kernel, Sync, DesiredTable.Build([Web]), _log).Send("web", TestConfigs.Owned(Web));

        Assert.Equal(0, sent);
        Assert.Contains(_log.Entries, e => e.Id.Id == 2122 && e.Message.Contains("gone", StringComparison.Ordinal));
    }
}
