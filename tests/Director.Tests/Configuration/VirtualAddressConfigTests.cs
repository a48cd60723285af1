using System.Net;
using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

/// <summary>
/// Virtual addresses as keepalived has them (issue 18): an item is an address or <c>{ address, dev, label }</c>, and
/// <c>excludedAddresses</c> are held by the master but not advertised (<c>virtual_ipaddress_excluded</c>).
/// </summary>
public sealed class VirtualAddressConfigTests
{
    /// <summary>The importer's output for one keepalived instance, items on lines 8, 9, 11 and 12.</summary>
    private static string Yaml(string second = """{ address: 198.18.2.10/24, dev: eth1, label: "eth1:web" }""",
        string excluded = """{ address: "2001:2::20/64", dev: eth0 }""", string rest = "") => $"""
        vrrp:
          instances:
            - name: web
              interface: eth0
              vrid: 51
              priority: 150
              virtualAddresses:
                - 198.18.0.10/24
                - {second}
              excludedAddresses:
                - 198.18.0.20
                - {excluded}
        {rest}
        """;

    private static string[] Errors(string yaml) => ConfigValidatorTests.Errors(yaml);

    [Fact]
    public void Load_KeepalivedStyleAddresses_ReadsDevLabelAndExcludedOfEitherFamily()
    {
        var result = ConfigLoader.LoadFromText(Yaml(), "t.yaml");

        Assert.Empty(result.Errors);
        var instance = Assert.Single(result.Config!.Vrrp.Instances);
        Assert.Equal(
            [new VirtualAddress(IPAddress.Parse("198.18.0.10"), 24), new VirtualAddress(IPAddress.Parse("198.18.2.10"), 24) { Device = "eth1", Label = "eth1:web" }],
            instance.VirtualAddresses);
        Assert.Equal(
            [new VirtualAddress(IPAddress.Parse("198.18.0.20"), 32), new VirtualAddress(IPAddress.Parse("2001:2::20"), 64) { Device = "eth0" }],
            instance.ExcludedAddresses);
        // The advertised list gives the family: an IPv6 excluded address does not make this an IPv6 router.
        Assert.Equal(System.Net.Sockets.AddressFamily.InterNetwork, instance.Family);
        Assert.Equal(["eth0", "eth1", "eth0", "eth0"], instance.HeldAddresses.Select(instance.DeviceOf));
    }

    [Fact]
    public void Load_UnknownKeyInAnAddress_NamesItsLineAndTheValidKeys()
    {
        var error = Assert.Single(Errors(Yaml(second: "{ address: 198.18.2.10/24, device: eth1 }")));

        Assert.Equal("t.yaml:9:38: vrrp.instances[0].virtualAddresses[1].device: unknown key 'device'; valid keys: address, dev, label", error);
    }

    [Fact]
    public void Load_AddressMissingInAMap_IsRefusedAtItsLine()
    {
        var error = Assert.Single(Errors(Yaml(excluded: "{ dev: eth1 }")));

        Assert.StartsWith("t.yaml:12:", error, StringComparison.Ordinal);
        Assert.Contains("vrrp.instances[0].excludedAddresses[1].address: missing required key 'address'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ address: 198.18.2.10/24, dev: eth1, label: "eth0:web" }""",
        "'eth0:web' must be the device's name 'eth1' or start with 'eth1:' (the kernel's rule), e.g. 'eth1:1'")]
    [InlineData("""{ address: 198.18.2.10/24, label: "eth1:web" }""",
        "'eth1:web' must be the device's name 'eth0' or start with 'eth0:' (the kernel's rule), e.g. 'eth0:1'")]
    [InlineData("""{ address: 198.18.2.10/24, dev: eth1, label: "eth1:abcdefghijk" }""",
        "'eth1:abcdefghijk' is longer than a label can be (15 bytes, the kernel's IFNAMSIZ)")]
    public void Validate_LabelTheKernelRefuses_NamesTheLabelLine(string item, string why)
    {
        var error = Assert.Single(Errors(Yaml(second: item)));

        Assert.StartsWith("t.yaml:9:", error, StringComparison.Ordinal);
        Assert.EndsWith($"vrrp.instances[0].virtualAddresses[1].label: {why}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LabelOnAnIpv6Address_IsRefusedAtItsLine()
    {
        var error = Assert.Single(Errors(Yaml(excluded: """{ address: "2001:2::20/64", label: "eth0:v6" }""")));

        Assert.StartsWith("t.yaml:12:", error, StringComparison.Ordinal);
        Assert.EndsWith("vrrp.instances[0].excludedAddresses[1].label: 2001:2::20 is IPv6, and only IPv4 addresses carry a label (the kernel keeps none for IPv6): remove label", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DevThatCannotBeAnInterfaceName_IsRefusedAtItsLine()
    {
        var error = Assert.Single(Errors(Yaml(second: "{ address: 198.18.2.10/24, dev: averyveryverylongname }")));

        Assert.StartsWith("t.yaml:9:", error, StringComparison.Ordinal);
        Assert.EndsWith("vrrp.instances[0].virtualAddresses[1].dev: 'averyveryverylongname' is longer than an interface name can be (15 bytes)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ExcludedAddressThatCannotBeServed_IsRefusedAsAVip()
    {
        var error = Assert.Single(Errors(Yaml(excluded: "224.0.0.18")));

        Assert.Equal("t.yaml:12:11: vrrp.instances[0].excludedAddresses[1]: 224.0.0.18 cannot be a virtual address: it is the VRRP multicast group", error);
    }

    [Fact]
    public void Validate_ExcludedAddressAlsoAdvertised_NamesTheFirst()
    {
        var error = Assert.Single(Errors(Yaml(excluded: "198.18.0.10/24")));

        Assert.Equal("t.yaml:12:11: vrrp.instances[0].excludedAddresses[1]: 198.18.0.10 is already a virtual address at vrrp.instances[0].virtualAddresses[0]", error);
    }

    [Fact]
    public void Validate_PeerThatIsAnExcludedAddress_IsRefused()
    {
        var errors = Errors(Yaml(rest: "      unicastPeers: [198.18.0.20]"));

        Assert.Equal(["t.yaml:13:22: vrrp.instances[0].unicastPeers[0]: 198.18.0.20 is a virtual address of instance 'web'; a peer is the other director's own address"], errors);
    }

    [Fact]
    public void Load_OnlyExcludedAddresses_RefusedWithTheReason()
    {
        var yaml = Yaml().Replace("""
              virtualAddresses:
                - 198.18.0.10/24
                - { address: 198.18.2.10/24, dev: eth1, label: "eth1:web" }

        """, "", StringComparison.Ordinal);

        var error = Assert.Single(Errors(yaml));

        Assert.EndsWith("vrrp.instances[0].virtualAddresses: needs at least one address: the advert lists them (RFC 5798 §5.2.5, at least 1); "
            + "move one of excludedAddresses here, on both nodes (keepalived: into virtual_ipaddress)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_VirtualServerOnAnExcludedAddress_IsAccepted()
    {
        var yaml = Yaml(rest: """
            virtualServers:
              - name: web
                vip: 198.18.0.20
                port: 80
                protocol: tcp
                scheduler: wlc
                realServers:
                  - { address: 198.18.1.1, port: 80, weight: 1 }
            """);

        Assert.Empty(Errors(yaml));
    }
}
