using System.Net;
using HaDirector.Director.Ipvs;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class ServiceKeyTests
{
    [Fact]
    public void Of_SameAddressDifferentSettings_SameKey()
    {
        var service = IpvsService.ForAddress(IPAddress.Parse("198.18.0.10"), 80);

        Assert.Equal(ServiceKey.Of(service), ServiceKey.Of(service with { Scheduler = "rr", Timeout = 60 }));
    }

    [Fact]
    public void Of_FirewallMarkWithProtocol_ProtocolIgnoredAsTheKernelDoes()
    {
        var configured = IpvsService.ForFirewallMark(7) with { Protocol = IpvsProtocol.Udp };
        var dumped = IpvsService.ForFirewallMark(7);

        Assert.Equal(ServiceKey.Of(configured), ServiceKey.Of(dumped));
        Assert.Equal("fwmark 7/IPv4", ServiceKey.Of(dumped).ToString());
    }

    [Fact]
    public void Of_OtherProtocol_OtherKey()
    {
        var tcp = IpvsService.ForAddress(IPAddress.Parse("198.18.0.10"), 53);

        Assert.NotEqual(ServiceKey.Of(tcp), ServiceKey.Of(tcp with { Protocol = IpvsProtocol.Udp }));
    }

    [Fact]
    public void ToString_Ipv6_Rfc5952InBracketsAsMetricLabelsAndLogsShowIt()
    {
        var service = IpvsService.ForAddress(IPAddress.Parse("2001:db8:0:0:0:0:0:10"), 443);

        Assert.Equal("[2001:db8::10]:443/tcp", ServiceKey.Of(service).ToString());
        Assert.Equal("fwmark 6/IPv6", ServiceKey.Of(IpvsService.ForFirewallMark(6, System.Net.Sockets.AddressFamily.InterNetworkV6)).ToString());
        Assert.Equal("[2001:db8::5]:80", new DestinationKey(IPAddress.Parse("2001:DB8::0:5"), 80).ToString());
    }
}
