using System.Net;
using System.Net.NetworkInformation;
using HaDirector.Vrrp.Arp;

namespace HaDirector.Vrrp.Tests.Arp;

public class GratuitousArpTests
{
    [Fact]
    public void Build_Vip_IsBroadcastArpRequestWithSenderEqualTargetEqualVip()
    {
        var mac = PhysicalAddress.Parse("02-00-C6-12-00-0B");
        var frame = GratuitousArp.Build(mac, IPAddress.Parse("198.18.0.88"));

        Assert.Equal(42, frame.Length);
        // Ethernet: dst broadcast, src our MAC, ethertype ARP.
        Assert.Equal("ffffffffffff" + "0200c612000b" + "0806", Convert.ToHexStringLower(frame.AsSpan(0, 14)));
        // ARP: Ethernet/IPv4, 6/4, op 1 (request), sha=our MAC, spa=VIP, tha=0, tpa=VIP.
        Assert.Equal(
            "0001" + "0800" + "06" + "04" + "0001" + "0200c612000b" + "c6120058" + "000000000000" + "c6120058",
            Convert.ToHexStringLower(frame.AsSpan(14, 28)));
    }

    [Fact]
    public void Build_Ipv6Address_Throws()
    {
        var mac = PhysicalAddress.Parse("02-00-C6-12-00-0B");
        var error = Assert.Throws<ArgumentException>(() => GratuitousArp.Build(mac, IPAddress.Parse("2001:db8::88")));
        Assert.StartsWith("a gratuitous ARP is for an IPv4 address, not 2001:db8::88", error.Message, StringComparison.Ordinal);
    }
}
