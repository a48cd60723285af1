using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

/// <summary>Files that parse but could not work: check-config must refuse them, naming the line and field.</summary>
public sealed class ConfigValidatorTests
{
    internal static string Instance(string vips, string extra = "") => $"""
        vrrp:
          instances:
            - name: web
              interface: eth0
              vrid: 51
              priority: 150
              virtualAddresses: [{vips}]
        {extra}
        """;

    internal static string[] Errors(string yaml) => [.. ConfigLoader.LoadFromText(yaml, "t.yaml").Errors.Select(e => e.ToString())];

    [Theory]
    [InlineData("0.0.0.0", "the unspecified address")]
    [InlineData("255.255.255.255", "the broadcast address")]
    [InlineData("127.0.0.2", "a loopback address")]
    [InlineData("224.0.0.18", "the VRRP multicast group")]
    [InlineData("239.1.2.3", "a multicast address")]
    public void Validate_VipThatCannotBeServed_IsRefusedAtItsLine(string vip, string why)
    {
        var errors = Errors(Instance($"198.18.0.100/32, {vip}/32"));

        Assert.Equal([$"t.yaml:7:43: vrrp.instances[0].virtualAddresses[1]: {vip} cannot be a virtual address: it is {why}"], errors);
    }

    [Theory]
    [InlineData("::", "the unspecified address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("ff02::12", "a multicast address")]
    [InlineData("fe80::1", "a link-local address")]
    public void Problem_Ipv6VipThatCannotBeServed_SaysWhy(string vip, string why)
    {
        Assert.StartsWith(why, VirtualAddressRules.Problem(System.Net.IPAddress.Parse(vip)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("198.18.0.100")]
    [InlineData("2001:db8::10")]
    public void Problem_OrdinaryUnicastAddress_IsNone(string vip)
    {
        Assert.Null(VirtualAddressRules.Problem(System.Net.IPAddress.Parse(vip)));
    }

    [Fact]
    public void Validate_RealServerAtAVip_IsRefused()
    {
        var errors = Errors(Instance("198.18.0.100/32", """
            virtualServers:
              - name: web
                vip: 198.18.0.100
                port: 80
                realServers:
                  - { address: 198.18.0.20 }
                  - { address: 198.18.0.100 }
            """));

        Assert.Equal(["t.yaml:14:20: virtualServers[0].realServers[1].address: 198.18.0.100 is a virtual address; a real server needs its own address"], errors);
    }

    [Fact]
    public void Validate_SameUnicastPeerTwice_IsRefused()
    {
        var errors = Errors(Instance("198.18.0.100/32").Replace("      priority: 150", "      priority: 150\n      unicastPeers: [198.18.0.2, 198.18.0.2]", StringComparison.Ordinal));

        Assert.Equal(["t.yaml:7:34: vrrp.instances[0].unicastPeers[1]: peer 198.18.0.2 is already listed at vrrp.instances[0].unicastPeers[0]"], errors);
    }

    [Fact]
    public void Validate_RetriesLongerThanTheInterval_AreRefused()
    {
        var errors = Errors(Instance("198.18.0.100/32", """
            virtualServers:
              - name: web
                vip: 198.18.0.100
                port: 80
                healthCheck: { interval: 2s, timeout: 1s, retry: 3, retryDelay: 1s }
                realServers: [{ address: 198.18.0.20 }]
            """));

        Assert.Equal(["t.yaml:12:54: virtualServers[0].healthCheck.retry: 3 retries cannot fit in interval 2s: with timeout 1s and retryDelay 1s a failing round takes up to 7s; lower retry, timeout or retryDelay, or raise interval"], errors);
    }

    [Fact]
    public void Validate_RetriesThatFit_AreAccepted()
    {
        var errors = Errors(Instance("198.18.0.100/32", """
            virtualServers:
              - name: web
                vip: 198.18.0.100
                port: 80
                healthCheck: { interval: 5s, timeout: 1s, retry: 2, retryDelay: 500ms }
                realServers: [{ address: 198.18.0.20 }]
            """));

        Assert.Empty(errors);
    }

    [Fact]
    public void Load_Directory_SaysItIsADirectory()
    {
        var error = Assert.Single(ConfigLoader.Load(Path.GetTempPath()).Errors);

        Assert.Contains("is a directory, not a configuration file", error.Message, StringComparison.Ordinal);
    }
}
