using System.Net;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using Microsoft.Extensions.Time.Testing;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

public sealed class VrrpInstanceOptionsTests
{
    [Fact]
    public void Validate_GoodOptions_NoErrors()
    {
        Assert.Empty(V3().Validate());
        Assert.Empty((V2() with { Authentication = VrrpAuthentication.Password("secret") }).Validate());
    }

    [Fact]
    public void Validate_EverythingWrong_OneMessagePerProblem()
    {
        var options = new VrrpInstanceOptions("web", 0, 0, VrrpVersion.V3, TimeSpan.FromMilliseconds(5), IPAddress.IPv6Loopback, [])
        {
            PreemptDelay = TimeSpan.FromSeconds(-1),
            Authentication = VrrpAuthentication.Password("secret"),
        };

        Assert.Equal(
            [
                "web: vrid must be 1..255.",
                "web: priority must be 1..255 (0 is reserved for a master that leaves).",
                "web: a VRRPv3 advertInterval is whole centiseconds from 10ms to 40.95s, not 00:00:00.0050000.",
                "web: 1 to 255 virtual addresses are needed.",
                "web: preemptDelay must not be negative.",
                "web: VRRPv3 has no authentication (RFC 5798 §9).",
            ],
            options.Validate());
    }

    [Fact]
    public void Validate_Ipv6RouterWithLinkLocalPrimary_NoErrors()
    {
        Assert.Empty((V3() with { PrimaryAddress = IPAddress.Parse("fe80::1"), VirtualAddresses = [IPAddress.Parse("2001:2::10")] }).Validate());
    }

    [Theory]
    [InlineData("198.18.0.1", "2001:2::10,198.18.0.10", 3, "web: virtual addresses must be all IPv4 or all IPv6.")]
    [InlineData("198.18.0.1", "2001:2::10", 3, "web: the primary address must be of the virtual addresses' family.")]
    [InlineData("fe80::1", "2001:2::10", 2, "web: VRRP over IPv6 is version 3.")]
    public void Validate_FamiliesThatDoNotMatch_OneMessage(string primary, string vips, int version, string error)
    {
        var options = V3() with
        {
            Version = (VrrpVersion)version,
            AdvertInterval = TimeSpan.FromSeconds(1),
            PrimaryAddress = IPAddress.Parse(primary),
            VirtualAddresses = [.. vips.Split(',').Select(IPAddress.Parse)],
        };

        Assert.Equal([error], options.Validate());
    }

    [Fact]
    public void Validate_V2FractionalInterval_Error()
    {
        Assert.Equal(
            ["web: a VRRPv2 advertInterval is whole seconds from 1s to 255s, not 00:00:00.5000000."],
            (V2() with { AdvertInterval = TimeSpan.FromMilliseconds(500) }).Validate());
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsWithTheMessages()
    {
        var error = Assert.Throws<ArgumentException>(() => new VrrpStateMachine(V3() with { Priority = 0 }, new FakeTimeProvider()));

        Assert.Contains("web: priority must be 1..255", error.Message);
    }

    [Fact]
    public void CreateAdvert_V2WithPassword_EncodesLikeKeepalived()
    {
        var options = new VrrpInstanceOptions(
            "vc_v2a", 52, 100, VrrpVersion.V2, TimeSpan.FromSeconds(1), IPAddress.Parse("198.18.200.1"), [IPAddress.Parse("198.18.201.20")])
        {
            Authentication = VrrpAuthentication.Password("secret"),
        };

        var bytes = VrrpCodec.Write(options.CreateAdvert(0), options.PrimaryAddress, VrrpCodec.MulticastGroup);

        Assert.Equal(Fixture.Message("v2-pass-vrid52-prio0"), bytes);
    }

    [Fact]
    public void CreateReceiveRules_KeepalivedPeerAdvert_Accepted()
    {
        var options = new VrrpInstanceOptions(
            "vc_v3u", 54, 100, VrrpVersion.V3, TimeSpan.FromSeconds(1), IPAddress.Parse("198.18.200.2"), [IPAddress.Parse("198.18.201.40")]);
        var validator = new VrrpAdvertValidator([options.CreateReceiveRules([IPAddress.Parse("198.18.200.1")])]);

        var result = validator.Validate(Fixture.Load("v3-unicast-vrid54-prio120"));

        Assert.True(result.IsAccepted);
        Assert.Equal(
            new VrrpInput.AdvertReceived(IPAddress.Parse("198.18.200.1"), 120, TimeSpan.FromSeconds(1)),
            VrrpInput.AdvertReceived.From(result.Datagram!));
    }
}
