using System.Net;
using System.Net.Sockets;
using HaDirector.Linux.Netlink.Codec;
using HaDirector.Linux.Netlink.Genetlink;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Ipvs;

/// <summary>
/// Golden bytes of every IPVS request, checked by hand against ip_vs.h and the attribute order of
/// libipvs (ipvsadm). The family id is 0x1b here; nlmsghdr seq/pid are left 0 (the socket fills them).
/// Layout per line: nlmsghdr | genlmsghdr | attributes (len, type, value, padding).
/// </summary>
public class IpvsRequestsTests
{
    private const ushort Family = 0x1b;

    // The seed's service: 10.19.166.88:80/tcp wlc -> here in 198.18.0.0/15.
    private static readonly IpvsService Web = IpvsService.ForAddress(IPAddress.Parse("198.18.0.10"), 80);

    private const string WebKey = """
               0600 0100 0200 0000
               0600 0200 0600 0000
               1400 0300 c612000a 00000000 00000000 00000000
               0600 0400 0050 0000
        """;

    [Fact]
    public void NewService_Tcp4Wlc_AllRequiredAttributes()
    {
        var bytes = Write(w => IpvsRequests.Service(w, Family, IpvsKernel.Command.NewService, Web));

        AssertBytes($"""
            68000000 1b00 0500 00000000 00000000
            01 01 0000
            5400 0180
            {WebKey}
               0800 0600 776c6300
               0c00 0700 00000000 ffffffff
               0800 0800 00000000
               0800 0900 ffffffff
            """, bytes);
    }

    [Fact]
    public void SetService_PersistentOnePacketWithNetmaskAndEngine()
    {
        var service = Web with
        {
            Protocol = IpvsProtocol.Udp,
            Scheduler = "sh",
            Flags = IpvsServiceFlags.Persistent | IpvsServiceFlags.OnePacket,
            Timeout = 300,
            NetmaskPrefixLength = 24,
            PersistenceEngine = "sip",
        };

        var bytes = Write(w => IpvsRequests.Service(w, Family, IpvsKernel.Command.SetService, service));

        // PE_NAME comes after SCHED_NAME; the IPv4 netmask /24 is ffffff00 in network order.
        AssertBytes("""
            70000000 1b00 0500 00000000 00000000
            02 01 0000
            5c00 0180
               0600 0100 0200 0000
               0600 0200 1100 0000
               1400 0300 c612000a 00000000 00000000 00000000
               0600 0400 0050 0000
               0700 0600 736800 00
               0800 0b00 73697000
               0c00 0700 05000000 ffffffff
               0800 0800 2c010000
               0800 0900 ffffff00
            """, bytes);
    }

    [Fact]
    public void NewService_FirewallMarkIpv6_SendsMarkInsteadOfAddressAndPrefixLengthAsNetmask()
    {
        var service = IpvsService.ForFirewallMark(7, AddressFamily.InterNetworkV6, "rr");

        var bytes = Write(w => IpvsRequests.Service(w, Family, IpvsKernel.Command.NewService, service));

        // IPv6 netmask: the kernel compares the raw 32 bits with 1..128, so 128 in host order.
        AssertBytes("""
            4c000000 1b00 0500 00000000 00000000
            01 01 0000
            3800 0180
               0600 0100 0a00 0000
               0800 0500 07000000
               0700 0600 727200 00
               0c00 0700 00000000 ffffffff
               0800 0800 00000000
               0800 0900 80000000
            """, bytes);
    }

    [Fact]
    public void DelService_KeyOnly()
    {
        var bytes = Write(w => IpvsRequests.Service(w, Family, IpvsKernel.Command.DelService, Web with { Scheduler = "rr", Timeout = 9 }));

        AssertBytes($"""
            44000000 1b00 0500 00000000 00000000
            03 01 0000
            3000 0180
            {WebKey}
            """, bytes);
    }

    [Fact]
    public void GetService_Single_KeyOnly()
    {
        var bytes = Write(w => IpvsRequests.Service(w, Family, IpvsKernel.Command.GetService, Web));

        Assert.Equal(IpvsKernel.Command.GetService, bytes[16]);
        Assert.Equal(0x44, bytes[0]);
    }

    [Fact]
    public void NewDest_DirectRoutingWeight2()
    {
        var destination = IpvsDestination.Create(IPAddress.Parse("198.18.1.2"), 80, weight: 2);

        var bytes = Write(w => IpvsRequests.Destination(w, Family, IpvsKernel.Command.NewDest, Web, destination));

        AssertBytes($"""
            8c000000 1b00 0500 00000000 00000000
            05 01 0000
            3000 0180
            {WebKey}
            4800 0280
               1400 0100 c6120102 00000000 00000000 00000000
               0600 0200 0050 0000
               0800 0300 03000000
               0800 0400 02000000
               0800 0500 00000000
               0800 0600 00000000
               0600 0b00 0200 0000
            """, bytes);
    }

    [Fact]
    public void SetDest_GueTunnelWithThresholds()
    {
        var destination = IpvsDestination.Create(IPAddress.Parse("198.18.1.3"), 8080, weight: 0, IpvsForwardingMethod.Tunnel) with
        {
            UpperThreshold = 1000,
            LowerThreshold = 800,
            Tunnel = new IpvsTunnelOptions(IpvsTunnelType.Gue, 6081, IpvsKernel.TunnelFlag.Checksum),
        };

        var bytes = Write(w => IpvsRequests.Destination(w, Family, IpvsKernel.Command.SetDest, Web, destination));

        AssertBytes($"""
            a4000000 1b00 0500 00000000 00000000
            06 01 0000
            3000 0180
            {WebKey}
            6000 0280
               1400 0100 c6120103 00000000 00000000 00000000
               0600 0200 1f90 0000
               0800 0300 02000000
               0800 0400 00000000
               0500 0d00 01 000000
               0600 0e00 17c1 0000
               0600 0f00 0100 0000
               0800 0500 e8030000
               0800 0600 20030000
               0600 0b00 0200 0000
            """, bytes);
    }

    [Fact]
    public void DelDest_KeyOnlyWithFamily()
    {
        var destination = IpvsDestination.Create(IPAddress.Parse("198.18.1.2"), 80, weight: 5);

        var bytes = Write(w => IpvsRequests.Destination(w, Family, IpvsKernel.Command.DelDest, Web, destination));

        AssertBytes($"""
            6c000000 1b00 0500 00000000 00000000
            07 01 0000
            3000 0180
            {WebKey}
            2800 0280
               1400 0100 c6120102 00000000 00000000 00000000
               0600 0200 0050 0000
               0600 0b00 0200 0000
            """, bytes);
    }

    [Fact]
    public void NewDest_Ipv6_FullSixteenBytes()
    {
        var service = IpvsService.ForAddress(IPAddress.Parse("2001:db8::10"), 443);
        var destination = IpvsDestination.Create(IPAddress.Parse("2001:db8::1:2"), 443);

        var bytes = Write(w => IpvsRequests.Destination(w, Family, IpvsKernel.Command.NewDest, service, destination));

        AssertBytes("""
            8c000000 1b00 0500 00000000 00000000
            05 01 0000
            3000 0180
               0600 0100 0a00 0000
               0600 0200 0600 0000
               1400 0300 20010db8 00000000 00000000 00000010
               0600 0400 01bb 0000
            4800 0280
               1400 0100 20010db8 00000000 00000000 00010002
               0600 0200 01bb 0000
               0800 0300 03000000
               0800 0400 01000000
               0800 0500 00000000
               0800 0600 00000000
               0600 0b00 0a00 0000
            """, bytes);
    }

    [Fact]
    public void DumpServices_IsDumpWithoutAttributes()
    {
        AssertBytes("14000000 1b00 0103 00000000 00000000 04 01 0000", Write(w => IpvsRequests.DumpServices(w, Family)));
    }

    [Fact]
    public void DumpDestinations_NamesTheServiceByKey()
    {
        AssertBytes($"""
            44000000 1b00 0103 00000000 00000000
            08 01 0000
            3000 0180
            {WebKey}
            """, Write(w => IpvsRequests.DumpDestinations(w, Family, Web)));
    }

    [Theory]
    [InlineData(IpvsKernel.Command.GetInfo, "0f")]
    [InlineData(IpvsKernel.Command.GetConfig, "0d")]
    [InlineData(IpvsKernel.Command.Flush, "11")]
    public void BareCommands_HeaderOnly(byte command, string commandHex)
    {
        AssertBytes($"14000000 1b00 0500 00000000 00000000 {commandHex} 01 0000", Write(w => IpvsRequests.Command(w, Family, command)));
    }

    [Fact]
    public void SetConfig_AllThreeTimeouts()
    {
        var bytes = Write(w => IpvsRequests.SetTimeouts(w, Family, new IpvsTimeouts(900, 120, 300)));

        AssertBytes("""
            2c000000 1b00 0500 00000000 00000000
            0c 01 0000
            0800 0400 84030000
            0800 0500 78000000
            0800 0600 2c010000
            """, bytes);
    }

    [Fact]
    public void SetConfig_OnlyUdp_LeavesOthersOut()
    {
        var bytes = Write(w => IpvsRequests.SetTimeouts(w, Family, new IpvsTimeouts(null, null, 60)));

        AssertBytes("1c000000 1b00 0500 00000000 00000000 0c 01 0000 0800 0600 3c000000", bytes);
    }

    [Fact]
    public void NewDaemon_MasterWithGroupPortTtl()
    {
        var daemon = new IpvsSyncDaemon
        {
            State = IpvsSyncState.Master,
            InterfaceName = "eth0",
            SyncId = 51,
            MulticastGroup = IPAddress.Parse("224.0.0.81"),
            MulticastPort = 8848,
            MulticastTtl = 1,
        };

        var bytes = Write(w => IpvsRequests.NewDaemon(w, Family, daemon));

        // MCAST_GROUP is the in_addr's bytes; MCAST_PORT is host order (8848 = 0x2290).
        AssertBytes("""
            4c000000 1b00 0500 00000000 00000000
            09 01 0000
            3800 0380
               0800 0100 01000000
               0900 0200 65746830 00 000000
               0800 0300 33000000
               0800 0500 e0000051
               0600 0700 9022 0000
               0500 0800 01 000000
            """, bytes);
    }

    [Fact]
    public void DelDaemon_StateOnly()
    {
        AssertBytes("""
            20000000 1b00 0500 00000000 00000000
            0a 01 0000
            0c00 0380
               0800 0100 02000000
            """, Write(w => IpvsRequests.DelDaemon(w, Family, IpvsSyncState.Backup)));
    }

    [Fact]
    public void DumpDaemons_IsDump()
    {
        AssertBytes("14000000 1b00 0103 00000000 00000000 0b 01 0000", Write(w => IpvsRequests.DumpDaemons(w, Family)));
    }

    [Fact]
    public void CtrlGetFamily_Ipvs()
    {
        AssertBytes("""
            20000000 1000 0500 00000000 00000000
            03 01 0000
            0900 0200 49505653 00 000000
            """, Write(w => GenericNetlinkCodec.WriteGetFamily(w, "IPVS")));
    }

    [Fact]
    public void NewService_SchedulerNameTooLong_RefusedWithClearMessage()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Write(w => IpvsRequests.Service(w, Family, IpvsKernel.Command.NewService, Web with { Scheduler = "a-very-long-name" })));

        Assert.StartsWith("scheduler name 'a-very-long-name' is longer than 15 characters", ex.Message);
    }

    private static byte[] Write(Action<NetlinkWriter> write)
    {
        var writer = new NetlinkWriter();
        write(writer);
        return writer.WrittenSpan.ToArray();
    }

    private static void AssertBytes(string expectedHex, byte[] actual) =>
        Assert.Equal(Hex.Format(Hex.Parse(expectedHex)), Hex.Format(actual));
}
