using System.Buffers.Binary;
using System.Net;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Tests.Protocol;

/// <summary>VRRPv3 over IPv6 (RFC 5798 §5.1.2, §5.2.8, §5.2.9) against adverts captured from keepalived 2.2.7.</summary>
public sealed class VrrpIpv6CodecTests
{
    private static readonly IPAddress Sender = IPAddress.Parse("fe80::1");

    // name, vrid, priority, destination, addresses, interval ms, checksum
    public static TheoryData<string, int, int, string, string, int, int> KeepalivedAdverts => new()
    {
        { "v6-multicast-vrid55-prio200", 55, 200, "ff02::12", "2001:2:0:201::30,2001:2:0:201::31", 100, 0xc423 },
        { "v6-multicast-vrid55-prio0", 55, 0, "ff02::12", "2001:2:0:201::30,2001:2:0:201::31", 100, 0x8c24 },
        { "v6-unicast-vrid56-prio120", 56, 120, "fe80::2", "2001:2:0:201::40", 1000, 0x3691 },
        { "v6-unicast-vrid56-prio0", 56, 0, "fe80::2", "2001:2:0:201::40", 1000, 0xae91 },
    };

    [Theory]
    [MemberData(nameof(KeepalivedAdverts))]
    public void Write_SameFieldsAsKeepalivedIpv6Advert_ProducesIdenticalBytes(
        string fixture, int vrid, int priority, string destination, string addresses, int intervalMs, int checksum)
    {
        var packet = new VrrpPacket(VrrpVersion.V3, (byte)vrid, (byte)priority, [.. addresses.Split(',').Select(IPAddress.Parse)],
            TimeSpan.FromMilliseconds(intervalMs));

        var bytes = VrrpCodec.Write(packet, Sender, IPAddress.Parse(destination));

        Assert.Equal(Convert.ToHexString(Fixture.Message(fixture)), Convert.ToHexString(bytes));
        Assert.Equal(checksum, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(6)));
    }

    [Theory]
    [InlineData("v6-multicast-vrid55-prio200", 55, 200)]
    [InlineData("v6-multicast-vrid55-prio0", 55, 0)]
    public void TryParse_KeepalivedMulticastIpv6Advert_YieldsExactFields(string fixture, int vrid, int priority)
    {
        Assert.Equal(VrrpDropReason.None, VrrpCodec.TryParse(Fixture.Load(fixture), out var datagram));

        Assert.Equal((Sender, IPAddress.Parse("ff02::12"), (byte)255), (datagram!.Source, datagram.Destination, datagram.Ttl));
        Assert.Equal((VrrpVersion.V3, (byte)vrid, (byte)priority), (datagram.Packet.Version, datagram.Packet.VirtualRouterId, datagram.Packet.Priority));
        Assert.Equal([IPAddress.Parse("2001:2:0:201::30"), IPAddress.Parse("2001:2:0:201::31")], datagram.Packet.Addresses);
        Assert.Equal(TimeSpan.FromMilliseconds(100), datagram.Packet.AdvertInterval);
    }

    [Fact]
    public void TryParse_KeepalivedUnicastIpv6Advert_HopLimit64IsDropped()
    {
        // keepalived 2.2.7 sets IPV6_MULTICAST_HOPS only: its unicast adverts leave with hop limit 64 (RFC 5798 §5.1.2.3: drop).
        Assert.Equal(VrrpDropReason.TtlNot255, VrrpCodec.TryParse(Fixture.Load("v6-unicast-vrid56-prio120"), out _));
    }

    [Fact]
    public void Checksum_KeepalivedIpv6Message_VerifiesOverTheIpv6PseudoHeaderWhateverTheMode()
    {
        var message = Fixture.Message("v6-multicast-vrid55-prio200");
        var source = Sender.GetAddressBytes();
        var destination = IPAddress.Parse("ff02::12").GetAddressBytes();

        // Over IPv6 the pseudo-header is mandatory (RFC 8200 §8.1): rfc9568's IPv4 reading does not apply.
        Assert.Equal(0, VrrpChecksum.Compute(message, VrrpVersion.V3, source, destination, VrrpChecksumMode.PseudoHeader));
        Assert.Equal(0, VrrpChecksum.Compute(message, VrrpVersion.V3, source, destination, VrrpChecksumMode.MessageOnly));
        Assert.NotEqual(0, VrrpChecksum.Compute(message, VrrpVersion.V3, source, IPAddress.Parse("ff02::1").GetAddressBytes(), VrrpChecksumMode.PseudoHeader));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(3, 100)]
    [InlineData(255, 4095)]
    public void WriteThenTryParse_Ipv6Datagram_RoundTrips(int addressCount, int centiseconds)
    {
        var addresses = Enumerable.Range(1, addressCount).Select(i => IPAddress.Parse($"2001:2::{i:x}")).ToArray();
        var packet = new VrrpPacket(VrrpVersion.V3, 77, 150, addresses, TimeSpan.FromMilliseconds(centiseconds * 10));

        var datagram = VrrpDatagramWriter.Write(packet, Sender, VrrpCodec.MulticastGroupV6);

        Assert.Equal(40 + 8 + (16 * addressCount), datagram.Length);
        Assert.Equal(VrrpDropReason.None, VrrpCodec.TryParse(datagram, out var parsed));
        Assert.Equal(packet with { Checksum = parsed!.Packet.Checksum }, parsed.Packet);
        Assert.Equal((Sender, VrrpCodec.MulticastGroupV6, (byte)255), (parsed.Source, parsed.Destination, parsed.Ttl));
    }

    [Fact]
    public void Write_MixedFamilies_Throws()
    {
        var packet = new VrrpPacket(VrrpVersion.V3, 1, 100, [IPAddress.Parse("2001:2::1"), IPAddress.Parse("198.18.0.1")], TimeSpan.FromSeconds(1));

        Assert.Throws<ArgumentException>(() => VrrpCodec.Write(packet, Sender, VrrpCodec.MulticastGroupV6));
        Assert.Throws<ArgumentException>(() => VrrpCodec.Write(packet with { Addresses = [IPAddress.Parse("2001:2::1")] },
            IPAddress.Parse("198.18.0.1"), VrrpCodec.MulticastGroup));
    }

    [Fact]
    public void Write_V2OverIpv6_Throws()
    {
        var packet = new VrrpPacket(VrrpVersion.V2, 1, 100, [IPAddress.Parse("2001:2::1")], TimeSpan.FromSeconds(1));

        Assert.Throws<ArgumentException>(() => VrrpCodec.Write(packet, Sender, VrrpCodec.MulticastGroupV6));
    }

    [Fact]
    public void TryParse_EveryTruncationOfAnIpv6Advert_TruncatedAndNeverThrows()
    {
        var datagram = Fixture.Load("v6-multicast-vrid55-prio200");
        for (var length = 0; length < datagram.Length; length++)
        {
            Assert.Equal(VrrpDropReason.Truncated, VrrpCodec.TryParse(datagram.AsSpan(0, length), out var parsed));
            Assert.Null(parsed);
        }
    }
}
