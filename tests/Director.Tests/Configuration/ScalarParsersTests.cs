using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.HealthCheck.Probes;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Configuration;

public sealed class ScalarParsersTests
{
    [Theory]
    [InlineData("10.1")]
    [InlineData("1")]
    [InlineData("010.0.0.1")]
    [InlineData("::1")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.")]
    [InlineData("1..2.3")]
    [InlineData("1.2.3.4 ")]
    [InlineData("1.2.3.0004")]
    [InlineData("")]
    public void Ipv4_NotADottedQuad_IsRejected(string text)
    {
        Assert.Equal($"expected an IPv4 address like 10.0.0.1, got '{text}'", ScalarParsers.Ipv4(text).Error);
    }

    [Theory]
    [InlineData("10.19.166.88")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.10")]
    public void Ipv4_DottedQuad_IsTheSameAddressAsIPAddressParse(string text)
    {
        Assert.Equal(IPAddress.Parse(text), ScalarParsers.Ipv4(text).Value);
    }

    [Theory]
    [InlineData("255.255.255.0", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("255.0.255.0", false)]
    public void Netmask_Contiguity_DecidesValidity(string text, bool valid)
    {
        Assert.Equal(valid, ScalarParsers.Netmask(System.Net.Sockets.AddressFamily.InterNetwork)(text).Ok);
    }

    [Theory]
    [InlineData("127.0.0.1:9810", "127.0.0.1:9810")]
    [InlineData("0.0.0.0:80", "0.0.0.0:80")]
    [InlineData("[::]:9810", "[::]:9810")]
    [InlineData("[::1]:9810", "[::1]:9810")]
    public void Endpoint_AddressAndPort_Parses(string text, string expected)
    {
        Assert.Equal(IPEndPoint.Parse(expected), ScalarParsers.Endpoint(text).Value);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost:9810")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("10.1:80")]
    public void Endpoint_NoUsablePortOrAddress_IsRejected(string text)
    {
        Assert.False(ScalarParsers.Endpoint(text).Ok);
    }

    [Theory]
    [InlineData("200", 200, 200)]
    [InlineData("200-299", 200, 299)]
    public void Status_CodeOrRange_Parses(string text, int from, int to)
    {
        Assert.Equal(new StatusCodeRange(from, to), ScalarParsers.Status(text).Value);
    }

    [Fact]
    public void Enum_CamelCaseName_Parses()
    {
        Assert.Equal(VrrpChecksumMode.PseudoHeader, ScalarParsers.ChecksumModes.Parse("pseudoHeader").Value);
    }

    [Theory]
    [InlineData("2001:DB8:0:0:0:0:0:1", "2001:db8::1")]
    [InlineData("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1")]
    [InlineData("2001:0db8:0000:0001:0000:0000:0000:0020", "2001:db8:0:1::20")]
    [InlineData("198.18.0.10", "198.18.0.10")]
    public void IpAddress_EitherFamily_IsShownInRfc5952Form(string text, string shown)
    {
        Assert.Equal(shown, ScalarParsers.IpAddress(text).Value.ToString());
    }

    [Theory]
    [InlineData("[2001:db8::1]")]
    [InlineData("fe80::1%eth0")]
    [InlineData("10.1")]
    [InlineData("2001:db8::g")]
    [InlineData("")]
    public void IpAddress_NotAPlainAddress_IsRejected(string text)
    {
        Assert.Equal($"expected an IPv4 or IPv6 address like 10.0.0.1 or 2001:db8::1, got '{text}'", ScalarParsers.IpAddress(text).Error);
    }

    [Theory]
    [InlineData("64", "ffff:ffff:ffff:ffff::")]
    [InlineData("/56", "ffff:ffff:ffff:ff00::")]
    [InlineData("ffff:ffff:ffff:fff0::", "ffff:ffff:ffff:fff0::")]
    [InlineData("128", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    public void Netmask_Ipv6PrefixOrMask_IsTheMask(string text, string mask)
    {
        Assert.Equal(IPAddress.Parse(mask), ScalarParsers.Netmask(System.Net.Sockets.AddressFamily.InterNetworkV6)(text).Value);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("129")]
    [InlineData("ffff:0:ffff::")]
    [InlineData("255.255.255.0")]
    public void Netmask_Ipv6NotAPrefix_IsRejected(string text)
    {
        Assert.False(ScalarParsers.Netmask(System.Net.Sockets.AddressFamily.InterNetworkV6)(text).Ok);
    }

    [Theory]
    [InlineData("24", "255.255.255.0")]
    [InlineData("/0", "0.0.0.0")]
    public void Netmask_Ipv4Prefix_IsTheMask(string text, string mask)
    {
        Assert.Equal(IPAddress.Parse(mask), ScalarParsers.Netmask(System.Net.Sockets.AddressFamily.InterNetwork)(text).Value);
    }
}
