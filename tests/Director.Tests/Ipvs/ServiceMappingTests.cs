using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class ServiceMappingTests
{
    [Fact]
    public void ToService_SeedExample_TcpWlcNoPersistence()
    {
        var service = ServiceMapping.ToService(TestConfigs.Web());

        Assert.Equal(IpvsService.ForAddress(IPAddress.Parse("198.18.0.10"), 80), service);
    }

    [Fact]
    public void ToService_PersistenceAndOnePacket_FlagsTimeoutNetmask()
    {
        var config = TestConfigs.Web() with
        {
            Protocol = IpvsProtocol.Udp,
            Persistence = TimeSpan.FromSeconds(90),
            PersistenceNetmask = IPAddress.Parse("255.255.240.0"),
            OnePacket = true,
        };

        var service = ServiceMapping.ToService(config);

        Assert.Equal(HaDirector.Linux.Netlink.Ipvs.IpvsProtocol.Udp, service.Protocol);
        Assert.Equal(IpvsServiceFlags.Persistent | IpvsServiceFlags.OnePacket, service.Flags);
        Assert.Equal(90u, service.Timeout);
        Assert.Equal(20, service.NetmaskPrefixLength);
    }

    [Fact]
    public void ToService_FirewallMarkWithIpv6RealServers_Ipv6MarkService()
    {
        var config = new VirtualServerConfig
        {
            FirewallMark = 7,
            RealServers = [new RealServerConfig { Address = IPAddress.Parse("2001:db8::5") }],
        };

        var service = ServiceMapping.ToService(config);

        Assert.Equal(IpvsService.ForFirewallMark(7, AddressFamily.InterNetworkV6), service);
    }

    [Fact]
    public void ToService_Ipv6VipWithDefaultIpv4Netmask_HostMask()
    {
        var config = TestConfigs.Web() with { Vip = IPAddress.Parse("2001:db8::10"), Persistence = TimeSpan.FromMinutes(1) };

        Assert.Null(ServiceMapping.ToService(config).NetmaskPrefixLength);
    }

    [Fact]
    public void KeysForVips_InstanceAddresses_OnlyServicesOnThoseVips()
    {
        var web = TestConfigs.Web();
        var mail = TestConfigs.Web(25) with { Vip = IPAddress.Parse("198.18.0.20") };
        var marked = new VirtualServerConfig { FirewallMark = 3 };

        var keys = ServiceMapping.KeysForVips([web, mail, marked], [IPAddress.Parse("198.18.0.20")]);

        Assert.Equal([TestConfigs.KeyOf(mail)], keys);
    }

    [Fact]
    public void ToDestination_RealServerForwardingOverridesService_UsesRealServers()
    {
        var config = TestConfigs.Web() with { Forwarding = IpvsForwardingMethod.Tunnel };
        var realServer = config.RealServers[0] with { Forwarding = IpvsForwardingMethod.Masquerade };

        Assert.Equal(IpvsForwardingMethod.Masquerade, ServiceMapping.ToDestination(config, realServer).Forwarding);
        Assert.Equal(IpvsForwardingMethod.Tunnel, ServiceMapping.ToDestination(config, config.RealServers[1]).Forwarding);
    }
}
