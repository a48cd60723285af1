using System.Net;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Tests.Protocol;

/// <summary>RFC 5798 §7.1 over IPv6: the same checks and drop reasons as over IPv4, the hop limit in place of the TTL.</summary>
public sealed class VrrpIpv6ValidatorTests
{
    private static readonly IPAddress Keepalived = IPAddress.Parse("fe80::1");

    private static readonly VrrpReceiveRules V6Multicast = new(55, VrrpVersion.V3, TimeSpan.FromSeconds(1))
    {
        VirtualAddresses = [IPAddress.Parse("2001:2:0:201::30"), IPAddress.Parse("2001:2:0:201::31")],
    };

    private static VrrpAdvertValidator Validator(params VrrpReceiveRules[] rules) => new(rules);

    private static byte[] Advert() => Fixture.Load("v6-multicast-vrid55-prio200");

    [Fact]
    public void Validate_KeepalivedIpv6Advert_Accepted()
    {
        var result = Validator(V6Multicast).Validate(Advert());

        Assert.Equal(VrrpDropReason.None, result.Reason);
        Assert.Equal(Keepalived, result.Datagram!.Source);
    }

    [Fact]
    public void Validate_HopLimit64_TtlNot255()
    {
        var datagram = Advert();
        datagram[7] = 64;

        Assert.Equal(VrrpDropReason.TtlNot255, Validator(V6Multicast).Validate(datagram).Reason);
    }

    [Fact]
    public void Validate_CorruptedAddress_BadChecksum()
    {
        var datagram = Advert();
        datagram[^1] ^= 0x01;

        Assert.Equal(VrrpDropReason.BadChecksum, Validator(V6Multicast).Validate(datagram).Reason);
    }

    [Fact]
    public void Validate_SourceChangedUnderThePseudoHeader_BadChecksum()
    {
        var datagram = Advert();
        datagram[23] = 0x09; // fe80::9 did not send this

        Assert.Equal(VrrpDropReason.BadChecksum, Validator(V6Multicast).Validate(datagram).Reason);
    }

    [Fact]
    public void Validate_WrongVrid_UnknownVridClaimingOurVip()
    {
        var result = Validator(V6Multicast with { VirtualRouterId = 56 }).Validate(Advert());

        Assert.Equal((VrrpDropReason.UnknownVrid, 55), (result.Reason, result.VirtualRouterId));
        Assert.Equal(Keepalived, VrrpAddress.ToAddress(result.Source, result.Family));
        Assert.Equal(IPAddress.Parse("2001:2:0:201::30"), VrrpAddress.ToAddress(result.ClaimedAddress, result.Family));
    }

    [Fact]
    public void Validate_Truncated_Truncated()
    {
        Assert.Equal(VrrpDropReason.Truncated, Validator(V6Multicast).Validate(Advert().AsSpan(0, 60)).Reason);
    }

    [Fact]
    public void Validate_OtherAddressList_AddressListMismatch()
    {
        var rules = V6Multicast with { VirtualAddresses = [IPAddress.Parse("2001:2:0:201::30"), IPAddress.Parse("2001:2:0:201::32")] };

        Assert.Equal(VrrpDropReason.AddressListMismatch, Validator(rules).Validate(Advert()).Reason);
    }

    [Fact]
    public void Validate_SourceNotAUnicastPeer_NotFromUnicastPeer()
    {
        var rules = V6Multicast with { UnicastPeers = [IPAddress.Parse("fe80::2")] };

        Assert.Equal(VrrpDropReason.NotFromUnicastPeer, Validator(rules).Validate(Advert()).Reason);
    }

    [Fact]
    public void Validate_Ipv4AdvertForAnIpv6RouterWithThatVrid_VersionMismatch()
    {
        // IPv4 and IPv6 virtual routers are separate (RFC 5798 §1); a channel serves one family, but never mixes them up.
        var v4 = VrrpDatagramWriter.Write(
            new VrrpPacket(VrrpVersion.V3, 55, 100, [IPAddress.Parse("198.18.201.30")], TimeSpan.FromSeconds(1)),
            IPAddress.Parse("198.18.200.1"), VrrpCodec.MulticastGroup);

        Assert.Equal(VrrpDropReason.VersionMismatch, Validator(V6Multicast).Validate(v4).Reason);
    }
}
