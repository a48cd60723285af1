using System.Net;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Linux.Tests.Netlink.Ipvs;

public class IpvsDestinationTests
{
    private static readonly IpvsDestination Tunnel =
        IpvsDestination.Create(IPAddress.Parse("198.18.1.2"), 80, forwarding: IpvsForwardingMethod.Tunnel);

    [Fact]
    public void Tunnel_KernelDefaultOptions_EqualNoOptions()
    {
        // A modern kernel reports IPIP/0/0 for every tunnel destination; the configured one had none.
        Assert.Equal(Tunnel, Tunnel with { Tunnel = new IpvsTunnelOptions(IpvsTunnelType.IpIp) });
    }

    [Fact]
    public void Tunnel_GueOptions_AreKept()
    {
        var gue = Tunnel with { Tunnel = new IpvsTunnelOptions(IpvsTunnelType.Gue, 6080) };

        Assert.NotEqual(Tunnel, gue);
        Assert.Equal(IpvsTunnelType.Gue, gue.Tunnel!.Type);
    }

    [Fact]
    public void ToString_IsAddressAndPort()
    {
        Assert.Equal("198.18.1.2:80", Tunnel.ToString());
        Assert.Equal("[2001:2::1]:443", IpvsDestination.Create(IPAddress.Parse("2001:2::1"), 443).ToString());
    }
}
