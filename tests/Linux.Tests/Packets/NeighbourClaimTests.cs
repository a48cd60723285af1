using System.Net;
using HaDirector.Linux.Packets;

namespace HaDirector.Linux.Tests.Packets;

/// <summary>Issue 14: the neighbour-discovery frames that claim an IPv6 address (tcpdump decodes each golden frame with "icmp6 sum ok").</summary>
public sealed class NeighbourClaimTests
{
    // fe80::99 (02:00:00:00:00:99) > ff02::1: unsolicited neighbour advertisement, Flags [override], tgt 2001:2::100,
    // target link-address option 02:00:00:00:00:99.
    private static readonly byte[] Advert = Convert.FromHexString(
        "333300000001" + "020000000099" + "86dd"
        + "60000000" + "0020" + "3a" + "ff" + "fe800000000000000000000000000099" + "ff020000000000000000000000000001"
        + "88" + "00" + "33ea" + "20000000" + "20010002000000000000000000000100"
        + "0201" + "020000000099");

    // :: > ff02::1:ff00:100: neighbour solicitation, who has 2001:2::100 (duplicate address detection, no option).
    private static readonly byte[] Dad = Convert.FromHexString(
        "3333ff000100" + "020000000099" + "86dd"
        + "60000000" + "0018" + "3a" + "ff" + "00000000000000000000000000000000" + "ff0200000000000000000001ff000100"
        + "87" + "00" + "58a5" + "00000000" + "20010002000000000000000000000100");

    // 2001:2::100 > ff02::1:ff00:1: neighbour solicitation, who has 2001:2::1, source link-address option 02:00:00:00:00:99.
    private static readonly byte[] SolicitationFromVip = Convert.FromHexString(
        "3333ff000001" + "020000000099" + "86dd"
        + "60000000" + "0020" + "3a" + "ff" + "20010002000000000000000000000100" + "ff0200000000000000000001ff000001"
        + "87" + "00" + "35fe" + "00000000" + "20010002000000000000000000000001"
        + "0101" + "020000000099");

    private static readonly IPAddress Vip = IPAddress.Parse("2001:2::100");

    [Fact]
    public void TryRead_UnsolicitedAdvert_ClaimsTheTargetForTheOptionsMac()
    {
        Assert.True(NeighbourClaim.TryRead(Advert, out var claim));
        Assert.Equal((NeighbourClaimKind.Advertisement, "020000000099", Vip), (claim.Kind, claim.Mac.ToString(), claim.Address));
    }

    [Fact]
    public void TryRead_AdvertWithoutOption_ClaimsTheTargetForTheEthernetSource()
    {
        // A solicited advert to a unicast address may leave the option out (RFC 4861 §4.4): the Ethernet source then.
        var frame = Advert[..^8];
        frame[19] = 0x18; // payload length 24
        Rechecksum(frame);

        Assert.True(NeighbourClaim.TryRead(frame, out var claim));
        Assert.Equal(("020000000099", Vip), (claim.Mac.ToString(), claim.Address));
    }

    [Fact]
    public void TryRead_AdvertWhoseOptionNamesAnotherMac_TheOptionWins()
    {
        // The option is what a neighbour cache takes, whoever put the frame on the wire.
        var frame = (byte[])Advert.Clone();
        frame[^1] = 0xaa;
        Rechecksum(frame);

        Assert.True(NeighbourClaim.TryRead(frame, out var claim));
        Assert.Equal("0200000000AA", claim.Mac.ToString());
    }

    [Fact]
    public void TryRead_DuplicateAddressDetection_ClaimsTheTargetForTheEthernetSource()
    {
        Assert.True(NeighbourClaim.TryRead(Dad, out var claim));
        Assert.Equal((NeighbourClaimKind.DuplicateAddressDetection, "020000000099", Vip), (claim.Kind, claim.Mac.ToString(), claim.Address));
    }

    [Fact]
    public void TryRead_SolicitationFromAnAddress_ClaimsItsSourceNotItsTarget()
    {
        Assert.True(NeighbourClaim.TryRead(SolicitationFromVip, out var claim));
        Assert.Equal((NeighbourClaimKind.Solicitation, "020000000099", Vip), (claim.Kind, claim.Mac.ToString(), claim.Address));
    }

    [Theory]
    [InlineData(13, 0x00, "ethertype 0x8600")]
    [InlineData(14, 0x40, "IP version 4")]
    [InlineData(20, 17, "next header UDP")]
    [InlineData(21, 64, "hop limit 64 (RFC 4861 §7.1.2: routed, not on link)")]
    [InlineData(54, 134, "router advertisement")]
    [InlineData(55, 1, "ICMP code 1")]
    [InlineData(57, 0xeb, "bad checksum")]
    [InlineData(70, 0x21, "target changed, checksum not")]
    public void TryRead_NotAValidNeighbourMessage_False(int offset, byte value, string what)
    {
        var frame = (byte[])Advert.Clone();
        frame[offset] = value;

        Assert.False(NeighbourClaim.TryRead(frame, out _), what);
    }

    [Fact]
    public void TryRead_Truncated_False()
    {
        Assert.False(NeighbourClaim.TryRead(Advert.AsSpan(0, Advert.Length - 1), out _)); // shorter than its payload length
        Assert.False(NeighbourClaim.TryRead(Dad.AsSpan(0, 77), out _));
        Assert.False(NeighbourClaim.TryRead([], out _));
    }

    [Fact]
    public void TryRead_WhatNeighbourAdvertisementWrites_ClaimsTheVipForOurMac()
    {
        // Our own announcement reads back as a claim for our MAC (the caller skips it by the MAC).
        var frame = new byte[NeighbourAdvertisement.Length];
        NeighbourAdvertisement.Write(frame, Vip, [0x02, 0, 0, 0, 0, 0x02]);

        Assert.True(NeighbourClaim.TryRead(frame, out var claim));
        Assert.Equal((NeighbourClaimKind.Advertisement, "020000000002", Vip), (claim.Kind, claim.Mac.ToString(), claim.Address));
    }

    private static void Rechecksum(byte[] frame)
    {
        var icmp = frame.AsSpan(54);
        icmp[2] = 0;
        icmp[3] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(icmp[2..],
            InternetChecksum.OverIpv6(frame.AsSpan(22, 16), frame.AsSpan(38, 16), 58, icmp));
    }
}
