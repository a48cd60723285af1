using System.Buffers.Binary;
using System.Net;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Tests.Protocol;

public sealed class VrrpCodecTests
{
    private static readonly IPAddress Sender = IPAddress.Parse("198.18.200.1");

    // name, version, vrid, priority, destination, addresses, interval ms, v2 password, checksum
    public static TheoryData<string, int, int, int, string, string, int, string?, int> KeepalivedAdverts => new()
    {
        { "v2-noauth-vrid51-prio150", 2, 51, 150, "224.0.0.18", "198.18.201.10,198.18.201.11", 1000, null, 0x2a8d },
        { "v2-noauth-vrid51-prio0", 2, 51, 0, "224.0.0.18", "198.18.201.10,198.18.201.11", 1000, null, 0xc08d },
        { "v2-pass-vrid52-prio100", 2, 52, 100, "224.0.0.18", "198.18.201.20", 1000, "secret", 0xae55 },
        { "v2-pass-vrid52-prio0", 2, 52, 0, "224.0.0.18", "198.18.201.20", 1000, "secret", 0x1256 },
        { "v3-multicast-vrid53-prio200", 3, 53, 200, "224.0.0.18", "198.18.201.30,198.18.201.31,198.18.201.32", 100, null, 0xea79 },
        { "v3-multicast-vrid53-prio0", 3, 53, 0, "224.0.0.18", "198.18.201.30,198.18.201.31,198.18.201.32", 100, null, 0xb27a },
        { "v3-unicast-vrid54-prio120", 3, 54, 120, "198.18.200.2", "198.18.201.40", 1000, null, 0xaa82 },
        { "v3-unicast-vrid54-prio0", 3, 54, 0, "198.18.200.2", "198.18.201.40", 1000, null, 0x2283 },
    };

    [Theory]
    [MemberData(nameof(KeepalivedAdverts))]
    public void TryParse_KeepalivedAdvert_YieldsExactFields(
        string fixture, int version, int vrid, int priority, string destination, string addresses, int intervalMs, string? password, int checksum)
    {
        var reason = VrrpCodec.TryParse(Fixture.Load(fixture), out var datagram);

        Assert.Equal(VrrpDropReason.None, reason);
        Assert.NotNull(datagram);
        Assert.Equal(Sender, datagram.Source);
        Assert.Equal(IPAddress.Parse(destination), datagram.Destination);
        Assert.Equal(255, datagram.Ttl);
        var packet = datagram.Packet;
        Assert.Equal((VrrpVersion)version, packet.Version);
        Assert.Equal(VrrpPacketType.Advertisement, packet.Type);
        Assert.Equal(vrid, packet.VirtualRouterId);
        Assert.Equal(priority, packet.Priority);
        Assert.Equal(addresses.Split(',').Select(IPAddress.Parse), packet.Addresses);
        Assert.Equal(TimeSpan.FromMilliseconds(intervalMs), packet.AdvertInterval);
        Assert.Equal(password is null ? VrrpAuthentication.None : VrrpAuthentication.Password(password), packet.Authentication);
        Assert.Equal(checksum, packet.Checksum);
    }

    [Theory]
    [MemberData(nameof(KeepalivedAdverts))]
    public void Write_SameFieldsAsKeepalivedAdvert_ProducesIdenticalBytes(
        string fixture, int version, int vrid, int priority, string destination, string addresses, int intervalMs, string? password, int checksum)
    {
        // Built from the expected fields, not from a parse, so the writer is checked on its own.
        var packet = new VrrpPacket(
            (VrrpVersion)version,
            (byte)vrid,
            (byte)priority,
            [.. addresses.Split(',').Select(IPAddress.Parse)],
            TimeSpan.FromMilliseconds(intervalMs))
        {
            Authentication = password is null ? VrrpAuthentication.None : VrrpAuthentication.Password(password),
        };

        var bytes = VrrpCodec.Write(packet, Sender, IPAddress.Parse(destination));

        Assert.Equal(Convert.ToHexString(Fixture.Message(fixture)), Convert.ToHexString(bytes));
        Assert.Equal(checksum, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(6)));
    }

    [Fact]
    public void Write_SpanOverload_ReturnsLengthAndLeavesTheRestOfTheBufferAlone()
    {
        var packet = Parse("v2-pass-vrid52-prio100").Packet;
        var buffer = Enumerable.Repeat((byte)0xEE, 64).ToArray();

        int written = VrrpCodec.Write(packet, Sender, VrrpCodec.MulticastGroup, buffer);

        Assert.Equal(20, written);
        Assert.Equal(Fixture.Message("v2-pass-vrid52-prio100"), buffer[..written]);
        Assert.All(buffer[written..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void TryParse_KeepalivedV3WithMessageOnlyChecksum_BadChecksum()
    {
        // keepalived 2.2.7 includes the IPv4 pseudo-header; the RFC 9568 reading does not.
        var reason = VrrpCodec.TryParse(Fixture.Load("v3-multicast-vrid53-prio200"), out _, VrrpChecksumMode.MessageOnly);

        Assert.Equal(VrrpDropReason.BadChecksum, reason);
    }

    [Fact]
    public void Write_MessageOnlyChecksum_ParsesWithMessageOnlyAndNotWithPseudoHeader()
    {
        var packet = Parse("v3-multicast-vrid53-prio200").Packet;
        var message = VrrpCodec.Write(packet, Sender, VrrpCodec.MulticastGroup, VrrpChecksumMode.MessageOnly);
        var datagram = WithIpHeader(message, Sender, VrrpCodec.MulticastGroup);

        Assert.Equal(VrrpDropReason.None, VrrpCodec.TryParse(datagram, out var parsed, VrrpChecksumMode.MessageOnly));
        Assert.Equal(packet with { Checksum = parsed!.Packet.Checksum }, parsed.Packet);
        Assert.Equal(VrrpDropReason.BadChecksum, VrrpCodec.TryParse(datagram, out _, VrrpChecksumMode.PseudoHeader));
    }

    [Fact]
    public void TryParse_V2_ChecksumModeIsIgnored()
    {
        // RFC 3768 §5.3.8: v2 never includes a pseudo-header.
        var reason = VrrpCodec.TryParse(Fixture.Load("v2-noauth-vrid51-prio150"), out _, VrrpChecksumMode.MessageOnly);

        Assert.Equal(VrrpDropReason.None, reason);
    }

    [Theory]
    [InlineData(VrrpVersion.V2, 1500)]
    [InlineData(VrrpVersion.V2, 0)]
    [InlineData(VrrpVersion.V2, 256_000)]
    [InlineData(VrrpVersion.V3, 5)]
    [InlineData(VrrpVersion.V3, 105)]
    [InlineData(VrrpVersion.V3, 40_960)]
    public void Write_IntervalNotEncodable_Throws(VrrpVersion version, int intervalMs)
    {
        var packet = new VrrpPacket(version, 1, 100, [IPAddress.Parse("198.18.0.1")], TimeSpan.FromMilliseconds(intervalMs));

        var error = Assert.Throws<ArgumentException>(() => VrrpCodec.Write(packet, Sender, VrrpCodec.MulticastGroup));
        Assert.Contains("interval", error.Message);
    }

    [Theory]
    [InlineData(VrrpVersion.V2, 255_000)]
    [InlineData(VrrpVersion.V3, 10)]
    [InlineData(VrrpVersion.V3, 40_950)]
    public void Write_IntervalAtLimit_RoundTrips(VrrpVersion version, int intervalMs)
    {
        var packet = new VrrpPacket(version, 9, 100, [IPAddress.Parse("198.18.0.1")], TimeSpan.FromMilliseconds(intervalMs));
        var datagram = WithIpHeader(VrrpCodec.Write(packet, Sender, VrrpCodec.MulticastGroup), Sender, VrrpCodec.MulticastGroup);

        Assert.Equal(VrrpDropReason.None, VrrpCodec.TryParse(datagram, out var parsed));
        Assert.Equal(TimeSpan.FromMilliseconds(intervalMs), parsed!.Packet.AdvertInterval);
    }

    [Fact]
    public void Write_Ipv6VirtualAddress_Throws()
    {
        var packet = new VrrpPacket(VrrpVersion.V3, 1, 100, [IPAddress.IPv6Loopback], TimeSpan.FromSeconds(1));

        Assert.Throws<ArgumentException>(() => VrrpCodec.Write(packet, Sender, VrrpCodec.MulticastGroup));
    }

    [Fact]
    public void Write_BufferTooSmall_Throws()
    {
        var packet = Parse("v2-noauth-vrid51-prio150").Packet;

        Assert.Throws<ArgumentException>(() => VrrpCodec.Write(packet, Sender, VrrpCodec.MulticastGroup, new byte[23]));
    }

    [Fact]
    public void TryParse_EthernetPaddingAfterIpTotalLength_IsIgnored()
    {
        var padded = Fixture.Load("v3-unicast-vrid54-prio120").Concat(new byte[14]).ToArray();

        Assert.Equal(VrrpDropReason.None, VrrpCodec.TryParse(padded, out var datagram));
        Assert.Equal(120, datagram!.Packet.Priority);
    }

    [Fact]
    public void TryParse_EveryTruncation_IsDroppedAsTruncated()
    {
        var full = Fixture.Load("v2-pass-vrid52-prio100");
        for (int length = 0; length < full.Length; length++)
        {
            var cut = full[..length];
            // The IP total length still says 40, so every prefix is short of it.
            Assert.Equal(VrrpDropReason.Truncated, VrrpCodec.TryParse(cut, out _));
        }
    }

    [Fact]
    public void TryParse_AddressCountBeyondPayload_IsTruncated()
    {
        var bytes = Fixture.Load("v3-unicast-vrid54-prio120");
        bytes[Fixture.IpHeaderLength + 3] = 2;

        Assert.Equal(VrrpDropReason.Truncated, VrrpCodec.TryParse(bytes, out _));
    }

    [Fact]
    public void TryParse_AnySingleBitFlippedInTheMessage_IsNeverAccepted()
    {
        var original = Fixture.Load("v3-multicast-vrid53-prio200");
        for (int bit = Fixture.IpHeaderLength * 8; bit < original.Length * 8; bit++)
        {
            var bytes = (byte[])original.Clone();
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.NotEqual(VrrpDropReason.None, VrrpCodec.TryParse(bytes, out _));
        }
    }

    [Theory]
    [InlineData(8, 254, VrrpDropReason.TtlNot255)]
    [InlineData(8, 1, VrrpDropReason.TtlNot255)]
    [InlineData(9, 17, VrrpDropReason.NotVrrp)]
    [InlineData(0, 0x55, VrrpDropReason.NotIpv4)]
    [InlineData(0, 0x65, VrrpDropReason.Truncated)] // read as IPv6: shorter than header and payload
    [InlineData(0, 0x44, VrrpDropReason.NotIpv4)]
    [InlineData(20, 0x11, VrrpDropReason.BadVersion)]
    [InlineData(20, 0x41, VrrpDropReason.BadVersion)]
    [InlineData(20, 0x32, VrrpDropReason.BadType)]
    [InlineData(20, 0x30, VrrpDropReason.BadType)]
    public void TryParse_HeaderFieldChanged_DropReason(int offset, int value, VrrpDropReason expected)
    {
        var bytes = Fixture.Load("v3-multicast-vrid53-prio200");
        bytes[offset] = (byte)value;

        Assert.Equal(expected, VrrpCodec.TryParse(bytes, out var datagram));
        Assert.Null(datagram);
    }

    [Fact]
    public void TryParse_IpOptions_PayloadFoundAfterIhl()
    {
        // A 24-byte IP header (IHL 6) with one 4-byte option (NOP padding).
        var plain = Fixture.Load("v2-noauth-vrid51-prio150");
        var withOption = plain[..20].Concat(new byte[] { 1, 1, 1, 0 }).Concat(plain[20..]).ToArray();
        withOption[0] = 0x46;
        BinaryPrimitives.WriteUInt16BigEndian(withOption.AsSpan(2), (ushort)withOption.Length);

        Assert.Equal(VrrpDropReason.None, VrrpCodec.TryParse(withOption, out var datagram));
        Assert.Equal(51, datagram!.Packet.VirtualRouterId);
    }

    [Fact]
    public void TryParse_RandomBytes_NeverThrowsAndResultMatchesReason()
    {
        var random = new Random(5798);
        var buffer = new byte[80];
        for (int i = 0; i < 20_000; i++)
        {
            var span = buffer.AsSpan(0, random.Next(buffer.Length + 1));
            random.NextBytes(span);
            if (i % 2 == 0 && span.Length >= 20)
            {
                // Half the time a plausible IPv4/VRRP header, so the deeper checks run too.
                span[0] = 0x45;
                span[8] = 255;
                span[9] = 112;
                BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)span.Length);
            }

            var reason = VrrpCodec.TryParse(span, out var datagram);

            Assert.Equal(reason == VrrpDropReason.None, datagram is not null);
        }
    }

    internal static VrrpDatagram Parse(string fixture)
    {
        Assert.Equal(VrrpDropReason.None, VrrpCodec.TryParse(Fixture.Load(fixture), out var datagram));
        return datagram!;
    }

    /// <summary>A minimal IPv4 header (TTL 255, protocol 112) in front of a message; the IP checksum is not checked by us.</summary>
    internal static byte[] WithIpHeader(byte[] message, IPAddress source, IPAddress destination, byte ttl = 255)
    {
        var datagram = new byte[20 + message.Length];
        datagram[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)datagram.Length);
        datagram[8] = ttl;
        datagram[9] = 112;
        source.TryWriteBytes(datagram.AsSpan(12), out _);
        destination.TryWriteBytes(datagram.AsSpan(16), out _);
        message.CopyTo(datagram, 20);
        return datagram;
    }
}
