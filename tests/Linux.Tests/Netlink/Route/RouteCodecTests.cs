using System.Net;
using HaDirector.Linux.Netlink.Codec;
using HaDirector.Linux.Netlink.Route;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Route;

public class RouteCodecTests
{
    [Fact]
    public void WriteAddAddress_V4WithLabel_MatchesWhatIproute2Sends()
    {
        var writer = new NetlinkWriter();

        RouteCodec.WriteAddAddress(writer, 7, IPAddress.Parse("198.18.0.10"), 32, "d0:vip");

        // nlmsghdr RTM_NEWADDR(20) REQUEST|ACK|EXCL|CREATE = 0x605; ifaddrmsg AF_INET /32 scope 0 ifindex 7;
        // IFA_LOCAL, IFA_ADDRESS, IFA_LABEL "d0:vip\0"
        var expected = Hex.Parse("""
            34000000 1400 0506 00000000 00000000
            02 20 00 00 07000000
            0800 0200 c612000a
            0800 0100 c612000a
            0b00 0300 64303a76697000 00
            """);
        Assert.Equal(Hex.Format(expected), Hex.Format(writer.WrittenSpan));
    }

    [Fact]
    public void WriteAddAddress_V6_SetsNoDadAndDeprecated()
    {
        var writer = new NetlinkWriter();

        RouteCodec.WriteAddAddress(writer, 3, IPAddress.Parse("2001:db8::10"), 128, null);

        var expected = Hex.Parse("""
            54000000 1400 0506 00000000 00000000
            0a 80 02 00 03000000
            1400 0200 20010db8 00000000 00000000 00000010
            1400 0100 20010db8 00000000 00000000 00000010
            1400 0600 00000000 ffffffff 00000000 00000000
            """);
        Assert.Equal(Hex.Format(expected), Hex.Format(writer.WrittenSpan));
    }

    [Fact]
    public void WriteDeleteAddress_IsPlainRequestWithoutCreateFlags()
    {
        var writer = new NetlinkWriter();

        RouteCodec.WriteDeleteAddress(writer, 7, IPAddress.Parse("198.18.0.10"), 32);

        var header = NetlinkHeader.Read(writer.WrittenSpan);
        Assert.Equal(RouteConstants.DelAddr, header.Type);
        Assert.Equal(NetlinkFlags.Request | NetlinkFlags.Ack, header.Flags);
    }

    [Fact]
    public void WriteAddAddress_PrefixTooLong_IsRefusedBeforeTheKernel()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            RouteCodec.WriteAddAddress(new NetlinkWriter(), 7, IPAddress.Parse("198.18.0.10"), 33, null));
    }

    [Fact]
    public void WriteGetLink_ByName_CarriesIfName()
    {
        var writer = new NetlinkWriter();

        RouteCodec.WriteGetLink(writer, "eth0");

        var expected = Hex.Parse("""
            2c000000 1200 0500 00000000 00000000
            00 00 0000 00000000 00000000 00000000
            0900 0300 65746830 00 000000
            """);
        Assert.Equal(Hex.Format(expected), Hex.Format(writer.WrittenSpan));
    }

    [Fact]
    public void ParseLink_KernelReply_GivesIndexMacMtuAndState()
    {
        var reply = LinkReply(RouteConstants.NewLink, index: 4, flags: 0x11043, name: "eth0"); // UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP

        var link = ParseOne(reply, RouteCodec.ParseLink);

        Assert.Equal(4, link.Index);
        Assert.Equal("eth0", link.Name);
        Assert.Equal("020000000004", link.MacAddress.ToString());
        Assert.Equal(1500, link.Mtu);
        Assert.Equal(LinkOperState.Up, link.OperState);
        Assert.True(link.IsUp);
        Assert.True(link.IsRunning);
        Assert.True(link.IsLowerUp);
    }

    [Fact]
    public void ParseAddress_PrefersLocalOverPeerAddress()
    {
        var writer = new NetlinkWriter();
        var start = writer.BeginMessage(RouteConstants.NewAddr, NetlinkFlags.Multi);
        new InterfaceAddressMessage(2, 32, 0x80, 0, 5).Write(writer.WriteFixed(InterfaceAddressMessage.Size));
        writer.WriteAddress(RouteConstants.AddrAttrAddress, IPAddress.Parse("198.18.9.9")); // the peer on a ptp link
        writer.WriteAddress(RouteConstants.AddrAttrLocal, IPAddress.Parse("198.18.0.1"));
        writer.WriteString(RouteConstants.AddrAttrLabel, "tun0");
        writer.WriteU32(RouteConstants.AddrAttrFlags, 0x280);
        writer.EndMessage(start);

        var address = ParseOne(writer.WrittenSpan.ToArray(), RouteCodec.ParseAddress);

        Assert.Equal(new InterfaceAddress(5, IPAddress.Parse("198.18.0.1"), 32, "tun0", 0, 0x280), address);
    }

    /// <summary>Found by bench/fuzz (netlink): a 3-byte IFA_LOCAL threw ArgumentException from IPAddress, outside the readers' contract.</summary>
    [Fact]
    public void AddressMonitorDecode_AddressOfThreeBytes_InvalidData()
    {
        // RTM_DELADDR, ifaddrmsg (AF_INET /32, index 2), IFA_LOCAL with 3 bytes.
        var datagram = Convert.FromHexString("20000000150000000000000000000000" + "0220000002000000" + "07000200c6120000");

        Assert.Throws<InvalidDataException>(() => AddressMonitor.Decode(datagram, 2));
    }

    [Fact]
    public void LinkMonitorDecode_OnlyEventsOfTheWatchedInterface()
    {
        var datagram = LinkReply(RouteConstants.NewLink, 4, 0x1003, "eth0")
            .Concat(LinkReply(RouteConstants.NewLink, 5, 0x1003, "eth1"))
            .Concat(LinkReply(RouteConstants.DelLink, 4, 0, "eth0"))
            .ToArray();

        var events = LinkMonitor.Decode(datagram, "eth0");

        Assert.Equal(2, events.Count);
        Assert.True(events[0].Exists);
        Assert.False(events[0].IsOperational); // up but not running: no carrier
        Assert.False(events[1].Exists);
    }

    internal static byte[] LinkReply(ushort type, int index, uint flags, string name)
    {
        var writer = new NetlinkWriter();
        var start = writer.BeginMessage(type, 0);
        new InterfaceInfoMessage(0, 1, index, flags, 0).Write(writer.WriteFixed(InterfaceInfoMessage.Size));
        writer.WriteString(RouteConstants.LinkAttrIfName, name);
        writer.WriteU32(RouteConstants.LinkAttrMtu, 1500);
        writer.WriteU8(RouteConstants.LinkAttrOperState, 6);
        writer.WriteBytes(RouteConstants.LinkAttrAddress, [2, 0, 0, 0, 0, (byte)index]);
        writer.EndMessage(start);
        return writer.WrittenSpan.ToArray();
    }

    private static T ParseOne<T>(byte[] bytes, Func<NetlinkMessage, T> parse)
    {
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.MoveNext());
        return parse(reader.Current);
    }

    [Fact]
    public void WriteAddRoute_HostRouteInOwnTable_IsUnicastScopeLinkWithTableAndProtocol()
    {
        var writer = new NetlinkWriter();

        RouteCodec.WriteAddRoute(writer, IPAddress.Parse("198.18.10.80"), 32, 200, 201, 1);

        // nlmsghdr RTM_NEWROUTE(24) REQUEST|ACK|EXCL|CREATE; rtmsg AF_INET /32 table 200 proto 201 scope link(253) unicast(1);
        // RTA_TABLE 200, RTA_DST, RTA_OIF 1
        var expected = Hex.Parse("""
            34000000 1800 0506 00000000 00000000
            02 20 00 00 c8 c9 fd 01 00000000
            0800 0f00 c8000000
            0800 0100 c6120a50
            0800 0400 01000000
            """);
        Assert.Equal(Hex.Format(expected), Hex.Format(writer.WrittenSpan));
    }

    [Fact]
    public void WriteAddRoute_TableAbove255_LeavesRtmTableUnspec()
    {
        var writer = new NetlinkWriter();

        RouteCodec.WriteAddRoute(writer, IPAddress.Parse("198.18.10.80"), 32, 70000, 201, 1);

        Assert.Equal(RouteConstants.TableUnspec, writer.WrittenSpan[NetlinkHeader.Size + 4]);
    }

    [Fact]
    public void ParseRoute_WhatWriteAddRouteWrote_ReadsItBack()
    {
        var writer = new NetlinkWriter();
        RouteCodec.WriteAddRoute(writer, IPAddress.Parse("2001:2::80"), 128, 70000, 201, 3);
        var header = NetlinkHeader.Read(writer.WrittenSpan);

        var route = RouteCodec.ParseRoute(new NetlinkMessage(header, writer.WrittenSpan[NetlinkHeader.Size..(int)header.Length]));

        Assert.Equal(new KernelRoute(IPAddress.Parse("2001:2::80"), 128, 70000, 201, 3), route);
    }
}
