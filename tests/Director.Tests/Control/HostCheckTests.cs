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

    private const string HmacKey = "correct-horse-battery-staple-0123456789";

    /// <summary>One IPv6 instance 'web' with <paramref name="count"/> VIPs 2001:2::1.. (IPv6 adverts are v3).</summary>
    private static string ManyIpv6Vips(int count, string mode) => ConfigValidatorTests.Instance(
        string.Join(", ", Enumerable.Range(1, count).Select(i => $"2001:2::{i:x}")),
        mode == "none" ? "" : Hmac(mode));

    private static string Hmac(string mode) => $"      authentication: {{ type: hmac, keys: [{{ id: 1, key: '{HmacKey}' }}], activeKey: 1, mode: {mode} }}";

    private static HostCheckResult CheckMtu(string yaml, int mtu)
    {
        var loaded = ConfigLoader.LoadFromText(yaml, "t.yaml");
        Assert.Empty(loaded.Errors);
        var kernel = new FakeKernel();
        kernel.AddInterface("eth0", "fe80::1/64", "2001:2::ffff/64");
        kernel.SetMtu("eth0", mtu);
        return HostCheck.Run(loaded.Config!, loaded.Sources, kernel.Links, running: null, bindMetrics: false);
    }

    [Fact]
    public void Run_255Ipv6VipsOnA1500Mtu_ErrorNamesInstanceAndSizes()
    {
        var result = CheckMtu(ManyIpv6Vips(255, "none"), 1500);

        Assert.Equal(
            ["t.yaml:7:25: vrrp.instances[0].virtualAddresses: instance 'web': its advert is 4128 bytes (IPv6 header 40 + VRRP message 4088 for 255 addresses), more than eth0's MTU of 1500; split the addresses over more instances"],
            result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    // 40 + 8 + 16 × 89 + 28 = 1500: the largest that fits with the trailer; 90 fits only without it.
    [InlineData(89, "enforce", true)]
    [InlineData(90, "enforce", false)]
    [InlineData(90, "permissive", false)]
    [InlineData(90, "receiveOnly", true)]
    [InlineData(90, "none", true)]
    public void Run_HmacTrailerInTheMtuBudget_FitsOnlyWhenTheTrailerDoes(int vips, string mode, bool fits)
    {
        var result = CheckMtu(ManyIpv6Vips(vips, mode), 1500);

        if (fits)
        {
            Assert.Empty(result.Errors);
        }
        else
        {
            var error = Assert.Single(result.Errors).ToString();
            Assert.Contains("its advert is 1516 bytes (IPv6 header 40 + VRRP message 1448 for 90 addresses + HMAC trailer 28), more than eth0's MTU of 1500", error);
            Assert.DoesNotContain(HmacKey, error);
        }
    }

    [Fact]
    public void Run_Ipv4HmacAdvertOverASmallMtu_Error()
    {
        var yaml = ConfigValidatorTests.Instance("198.18.0.100/32, 198.18.0.101/32", Hmac("enforce"));
        var loaded = ConfigLoader.LoadFromText(yaml, "t.yaml");
        var kernel = new FakeKernel();
        kernel.AddInterface("eth0", "198.18.0.1/24");
        kernel.SetMtu("eth0", 80);

        var result = HostCheck.Run(loaded.Config!, loaded.Sources, kernel.Links, running: null, bindMetrics: false);

        // 20 + 8 + 2 × 4 + 28 = 64 fits 80; a 60-byte MTU does not.
        Assert.Empty(result.Errors);
        kernel.SetMtu("eth0", 60);
        var error = Assert.Single(HostCheck.Run(loaded.Config!, loaded.Sources, kernel.Links, running: null, bindMetrics: false).Errors);
        Assert.Contains("its advert is 64 bytes (IPv4 header 20 + VRRP message 16 for 2 addresses + HMAC trailer 28), more than eth0's MTU of 60", error.ToString());
    }

    [Fact]
    public void Run_AnnouncedMhServiceRemovingFailedServers_WarnsWithTheFilesAdvice()
    {
        // run, reload and check-config print the host check's warnings: the file's advice must be among them.
        var result = Check("announce:\n  vips: [{ address: 198.18.10.80 }]\nvirtualServers:\n  - { name: web, vip: 198.18.10.80, port: 80, scheduler: mh, realServers: [{ address: 198.18.20.1 }] }\n");

        Assert.Empty(result.Errors);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("virtualServers[0].healthCheck.onFailure", warning.FieldPath);
        Assert.Contains("Use onFailure: inhibit with schedulerFlags: [mh-fallback]", warning.Message, StringComparison.Ordinal);
    }
}
