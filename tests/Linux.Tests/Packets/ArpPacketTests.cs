using System.Net;
using HaDirector.Linux.Packets;

namespace HaDirector.Linux.Tests.Packets;

public sealed class ArpPacketTests
{
    // An ARP reply "198.18.0.100 is at 02:00:00:00:00:99" to 198.18.0.1 (02:00:00:00:00:01), padded to 60 bytes as on the wire.
    private static readonly byte[] Reply = Convert.FromHexString(
        "020000000001" + "020000000099" + "0806"
        + "0001" + "0800" + "06" + "04" + "0002"
        + "020000000099" + "c6120064"
        + "020000000001" + "c6120001"
        + "000000000000000000000000000000000000");

    [Fact]
    public void TryRead_ReplyWithPadding_SenderMacAndAddress()
    {
        Assert.True(ArpPacket.TryRead(Reply, out var packet));
        Assert.Equal((2, "020000000099", IPAddress.Parse("198.18.0.100"), IPAddress.Parse("198.18.0.1")),
            ((int)packet.Operation, packet.SenderMac.ToString(), packet.SenderAddress, packet.TargetAddress));
    }

    [Fact]
    public void TryRead_GratuitousRequest_SenderIsTheAnnouncedAddress()
    {
        // A gratuitous request as arping -U sends it: sender = target = the address, to broadcast.
        var frame = Convert.FromHexString("ffffffffffff" + "0200000000aa" + "0806" + "0001080006040001"
            + "0200000000aa" + "c6120064" + "ffffffffffff" + "c6120064");

        Assert.True(ArpPacket.TryRead(frame, out var packet));
        Assert.Equal((1, "0200000000AA", IPAddress.Parse("198.18.0.100")),
            ((int)packet.Operation, packet.SenderMac.ToString(), packet.SenderAddress));
    }

    [Theory]
    [InlineData(13, 0x00, "ethertype IPv4, not ARP")]
    [InlineData(15, 0x06, "IEEE 802 hardware type")]
    [InlineData(16, 0x86, "protocol type 0x8600, not IPv4")]
    [InlineData(18, 8, "hardware length 8")]
    [InlineData(19, 16, "protocol length 16")]
    public void TryRead_NotEthernetIpv4Arp_False(int offset, byte value, string what)
    {
        var frame = (byte[])Reply.Clone();
        frame[offset] = value;

        Assert.False(ArpPacket.TryRead(frame, out _), what);
    }

    [Fact]
    public void TryRead_Truncated_False()
    {
        Assert.False(ArpPacket.TryRead(Reply.AsSpan(0, 41), out _));
        Assert.False(ArpPacket.TryRead([], out _));
    }
}
