using System.Net;
using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

/// <summary>VRRP instances over IPv6 (RFC 5798 §1, §5.1.2): one family per instance, VRRPv3 only, RFC 5952 text.</summary>
public sealed class VrrpIpv6ConfigTests
{
    private static string Instance(string vips, string extra = "") => ConfigValidatorTests.Instance(vips, extra);

    private static string[] Errors(string yaml) => ConfigValidatorTests.Errors(yaml);

    [Fact]
    public void Load_Ipv6Instance_ReadsAddressesInRfc5952FormWithDefaultPrefix128()
    {
        var yaml = Instance("2001:2:0:0::A, 2001:2::b/64", "      unicastPeers: [FE80::0:2]\n      unicastSource: fe80::1");

        var result = ConfigLoader.LoadFromText(yaml, "t.yaml");

        Assert.Empty(result.Errors);
        var instance = Assert.Single(result.Config!.Vrrp.Instances);
        Assert.Equal(["2001:2::a/128", "2001:2::b/64"], instance.VirtualAddresses.Select(v => v.ToString()));
        Assert.Equal("fe80::2", Assert.Single(instance.UnicastPeers).ToString());
        Assert.Equal(IPAddress.Parse("fe80::1"), instance.UnicastSource);
        Assert.Equal(System.Net.Sockets.AddressFamily.InterNetworkV6, instance.Family);
    }

    [Fact]
    public void Load_Ipv6PrefixAbove128_IsRefusedAtItsLine()
    {
        Assert.Equal(
            ["t.yaml:7:26: vrrp.instances[0].virtualAddresses[0]: the prefix length of 2001:2::a must be 0..128, got '129'"],
            Errors(Instance("2001:2::a/129")));
    }

    [Fact]
    public void Load_PeerWithZone_SaysTheInterfaceIsTheZone()
    {
        Assert.Equal(
            ["t.yaml:8:22: vrrp.instances[0].unicastPeers[0]: expected an address without a zone (the instance's interface is the zone), got 'fe80::2%eth0'"],
            Errors(Instance("2001:2::a", "      unicastPeers: [fe80::2%eth0]")));
    }

    [Fact]
    public void Validate_MixedFamiliesInOneInstance_NamesTheLineAndTheFix()
    {
        Assert.Equal(
            ["t.yaml:7:41: vrrp.instances[0].virtualAddresses[1]: 198.18.0.10 is IPv4 but this instance's first virtual address 2001:2::a is IPv6: one instance carries one address family (RFC 5798 §1); move the IPv4 addresses to an instance of their own"],
            Errors(Instance("2001:2::a/128, 198.18.0.10/32")));
    }

    [Fact]
    public void Validate_Ipv4PeerOfAnIpv6Instance_AsksForTheLinkLocalAddress()
    {
        Assert.Equal(
            [
                "t.yaml:8:22: vrrp.instances[0].unicastPeers[0]: peer 198.18.0.2 is IPv4 but this instance's virtual addresses are IPv6: adverts go over IPv6; give the other director's IPv6 address (its link-local one, fe80::...)",
                "t.yaml:9:22: vrrp.instances[0].unicastSource: 198.18.0.1 is IPv4 but this instance's virtual addresses are IPv6: give one of this director's IPv6 addresses",
            ],
            Errors(Instance("2001:2::a", "      unicastPeers: [198.18.0.2]\n      unicastSource: 198.18.0.1")));
    }

    [Fact]
    public void Validate_Ipv6PeerOfAnIpv4Instance_IsRefused()
    {
        Assert.Equal(
            ["t.yaml:8:22: vrrp.instances[0].unicastPeers[0]: peer fe80::2 is IPv6 but this instance's virtual addresses are IPv4: adverts go over IPv4; give the other director's IPv4 address"],
            Errors(Instance("198.18.0.10", "      unicastPeers: [fe80::2]")));
    }

    [Fact]
    public void Validate_VrrpV2WithIpv6_NamesTheVersionLine()
    {
        Assert.Equal(
            ["t.yaml:8:16: vrrp.instances[0].version: VRRPv2 carries IPv4 only (RFC 3768) and virtual address 2001:2::a is IPv6: use version 3 (RFC 5798)"],
            Errors(Instance("2001:2::a", "      version: 2\n      advertInterval: 1s")));
    }

    [Fact]
    public void Validate_Rfc9568ChecksumOverIpv6_IsRefused()
    {
        Assert.Equal(
            ["t.yaml:8:19: vrrp.instances[0].v3Checksum: rfc9568 is an IPv4 choice; over IPv6 the checksum always covers the pseudo-header (RFC 5798 §5.2.8): remove v3Checksum"],
            Errors(Instance("2001:2::a", "      v3Checksum: rfc9568")));
    }

    [Fact]
    public void Validate_SameVridForAnIpv4AndAnIpv6RouterOnOneInterface_IsAccepted()
    {
        var yaml = Instance("2001:2::a", "    - { name: web4, interface: eth0, vrid: 51, priority: 150, virtualAddresses: [198.18.0.10] }");

        Assert.Empty(Errors(yaml));
    }

    [Fact]
    public void Validate_SameVridForTwoIpv6RoutersOnOneInterface_IsRefused()
    {
        var yaml = Instance("2001:2::a", "    - { name: web7, interface: eth0, vrid: 51, priority: 150, virtualAddresses: [2001:2::b] }");

        Assert.Equal(["t.yaml:8:44: vrrp.instances[1].vrid: vrid 51 is already used on eth0 by vrrp.instances[0]"], Errors(yaml));
    }
}
