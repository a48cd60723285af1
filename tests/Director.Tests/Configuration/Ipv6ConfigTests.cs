using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Tests.Configuration;

/// <summary>IPv6 wherever a virtual server names an address (issue 14), written back in RFC 5952 form.</summary>
public sealed class Ipv6ConfigTests
{
    private static ConfigLoadResult Load(string virtualServers) => ConfigLoader.LoadFromText(ConfigLoaderTests.Minimal + "\n" + virtualServers, "t.yaml");

    private static string[] Errors(string virtualServers) => [.. Load(virtualServers).Errors.Select(e => e.ToString())];

    [Fact]
    public void Load_Ipv6FirewallMarkService_MapsToAnIpv6ServiceWithItsPrefix()
    {
        var result = Load("""
            virtualServers:
              - name: v6
                fwmark: 6
                family: ipv6
                persistence: 5m
                persistenceNetmask: 64
                sorryServer: { address: "2001:2:0:1::99", port: 80 }
                healthCheck: { type: http, sourceAddress: "2001:2::1", host: "2001:2::10" }
                realServers:
                  - { address: "2001:2:0:1:0:0:0:20", port: 80 }
                  - { address: "2001:2:0:1::21", port: 80 }
            """);

        Assert.Empty(result.Errors);
        var server = result.Config!.VirtualServers[0];
        var service = ServiceMapping.ToService(server);
        Assert.Equal((AddressFamily.InterNetworkV6, 6u, (int?)64), (service.Family, service.FirewallMark, service.NetmaskPrefixLength));
        Assert.Equal(["2001:2:0:1::20", "2001:2:0:1::21"], server.RealServers.Select(r => r.Address.ToString()));
        Assert.Equal(IPAddress.Parse("2001:2:0:1::99"), server.SorryServer!.Address);
        Assert.Equal(IPAddress.Parse("2001:2::1"), server.HealthCheck.SourceAddress);
    }

    [Fact]
    public void Load_Ipv6Vip_IsReadAndShownInRfc5952Form()
    {
        // The VRRP side of IPv6 VIPs is not in this file: the VIP parses and is then looked for among the instances.
        Assert.Equal(
            ["t.yaml:10:10: virtualServers[0].vip: 2001:2::10 is not a virtual address of any VRRP instance (instances: web [10.19.166.88/32])"],
            Errors("""
                virtualServers:
                  - name: v6
                    vip: "2001:0002:0:0::0010"
                    port: 443
                    realServers: [{ address: "2001:2:0:1::20" }]
                """));
    }

    [Fact]
    public void Load_RealServerOfTheOtherFamilyWithDr_IsRefusedAtItsLine()
    {
        Assert.Equal(
            ["t.yaml:14:20: virtualServers[0].realServers[1].address: 2001:2::21 is IPv6 but vip 10.19.166.88 is IPv4; only tun forwarding mixes families"],
            Errors("""
                virtualServers:
                  - name: web
                    vip: 10.19.166.88
                    port: 80
                    realServers:
                      - { address: 198.18.1.20 }
                      - { address: "2001:2::21" }
                """));
    }

    [Fact]
    public void Load_RealServerOfTheOtherFamilyWithTun_IsAccepted()
    {
        Assert.Empty(Errors("""
            virtualServers:
              - name: web
                vip: 10.19.166.88
                port: 80
                realServers:
                  - { address: "2001:2::21", forwarding: tun }
            """));
    }

    [Fact]
    public void Load_FamilyThatContradictsTheVip_IsRefused()
    {
        Assert.Equal(
            ["t.yaml:11:13: virtualServers[0].family: ipv6 does not match vip 10.19.166.88 (IPv4); family is for fwmark services, a vip service has its vip's"],
            Errors("""
                virtualServers:
                  - name: web
                    vip: 10.19.166.88
                    family: ipv6
                    port: 80
                """));
    }

    [Fact]
    public void Load_Ipv4NetmaskForAnIpv6Service_IsRefused()
    {
        Assert.Equal(
            ["t.yaml:13:25: virtualServers[0].persistenceNetmask: expected an IPv6 prefix length 1..128 like 64, or a mask like ffff:ffff:ffff:ffff::, got '255.255.255.0'"],
            Errors("""
                virtualServers:
                  - name: v6
                    fwmark: 6
                    family: ipv6
                    persistence: 5m
                    persistenceNetmask: 255.255.255.0
                """));
    }
}
