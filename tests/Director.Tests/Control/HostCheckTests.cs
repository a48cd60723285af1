using HaDirector.Director.Configuration;
using HaDirector.Director.Control;
using HaDirector.Director.Tests.Configuration;
using HaDirector.Director.Tests.Kernel;

namespace HaDirector.Director.Tests.Control;

/// <summary>What an IPv6 VRRP instance needs from the host: a link-local address to advertise from (RFC 5798 §5.1.2.1).</summary>
public sealed class HostCheckTests
{
    private static readonly string Ipv6Instance = ConfigValidatorTests.Instance("2001:2::10");

    private static HostCheckResult Check(string yaml, params string[] addresses)
    {
        var loaded = ConfigLoader.LoadFromText(yaml, "t.yaml");
        Assert.Empty(loaded.Errors);
        var kernel = new FakeKernel();
        kernel.AddInterface("eth0", addresses);
        return HostCheck.Run(loaded.Config!, loaded.Sources, kernel.Links, running: null, bindMetrics: false);
    }

    [Fact]
    public void Run_Ipv6InstanceOnInterfaceWithoutLinkLocal_ErrorNamesTheInterfaceLine()
    {
        // An IPv4 address and a global IPv6 one are no source for IPv6 adverts.
        var result = Check(Ipv6Instance, "198.18.0.1/24", "2001:2::1/64");

        Assert.Equal(
            ["t.yaml:4:18: vrrp.instances[0].interface: interface 'eth0' has no IPv6 link-local address to send VRRP adverts from (RFC 5798 §5.1.2.1; is IPv6 disabled on it, or addr_gen_mode none?)"],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Run_Ipv6InstanceWithOnlyALinkLocalAddress_NoErrorNoWarning()
    {
        var result = Check(Ipv6Instance, "fe80::1/64");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Run_Ipv6VipOutsideTheGlobalSubnet_Warns()
    {
        var result = Check(Ipv6Instance, "fe80::1/64", "2001:3::1/64");

        Assert.Empty(result.Errors);
        Assert.Equal(
            ["t.yaml:7:26: vrrp.instances[0].virtualAddresses[0]: 2001:2::10 is outside every subnet of eth0 (2001:3::1/64): neighbours reach it only through a route to it"],
            result.Warnings.Select(e => e.ToString()));
    }

    [Fact]
    public void Run_Ipv6VipInsideTheGlobalSubnet_NoWarning()
    {
        Assert.Empty(Check(Ipv6Instance, "fe80::1/64", "2001:2::1/64").Warnings);
    }
}
