using System.Net;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Protocol.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.Vrrp.Tests.Protocol.Authentication;

/// <summary>
/// Byte-for-byte interoperability with keepalived 2.4.3 <c>auth_hmac</c>: its captured adverts (Fixtures/hmac-*.hex) verify
/// here, and our signer, at the same clock reading, produces exactly its trailer; over IPv4 and IPv6 (link-local source,
/// multicast to ff02::12 and unicast to a link-local peer).
/// </summary>
public sealed class KeepalivedHmacGoldenTests
{
    private static readonly IPAddress Sender = IPAddress.Parse("198.18.210.1");
    private static readonly IPAddress Sender6 = IPAddress.Parse("fe80::1");
    private static readonly byte[] HexKeyBytes = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly VrrpHmacKey HexKey = new(1, HexKeyBytes);
    private static readonly VrrpHmacKey AsciiKey = new(7, "0123456789abcdef0123456789abcdef"u8);

    /// <summary>The IPv6 multicast capture's key: the same bytes as <see cref="HexKey"/> under id 3.</summary>
    private static readonly VrrpHmacKey HexKey3 = new(3, HexKeyBytes);

    public static TheoryData<string> Captures =>
    [
        "hmac-v2-vrid61-prio150", "hmac-v2-vrid61-prio0", "hmac-v3-unicast-vrid62-prio120", "hmac-v3-unicast-vrid62-prio0",
        "hmac-v6-multicast-vrid63-prio200", "hmac-v6-multicast-vrid63-prio0", "hmac-v6-unicast-vrid64-prio120", "hmac-v6-unicast-vrid64-prio0",
    ];

    private static VrrpHmacKey KeyFor(string fixture) =>
        fixture.StartsWith("hmac-v2", StringComparison.Ordinal) ? HexKey : fixture.StartsWith("hmac-v6-multicast", StringComparison.Ordinal) ? HexKey3 : AsciiKey;

    private static IPAddress SenderOf(string fixture) => fixture.StartsWith("hmac-v6", StringComparison.Ordinal) ? Sender6 : Sender;

    private static (byte[] Message, byte[] Trailer, VrrpHmacTrailer Fields) Split(string fixture)
    {
        var datagram = Fixture.Load(fixture);
        // keepalived sends IPv6 unicast with hop limit 64 (Fixtures/README.md), which TryParse drops; the HMAC does not
        // cover the IP header, so the message is split as if it had come with 255.
        var parseable = datagram.ToArray();
        if (parseable[0] >> 4 == 6)
        {
            parseable[7] = 255;
        }

        Assert.Equal(VrrpDropReason.None, VrrpCodec.TryParse(parseable, out var parsed));
        var length = VrrpCodec.GetMessageLength(parsed!.Packet);
        Assert.True(VrrpHmacTrailer.TryLocate(datagram, length, out var message, out var trailer));
        Assert.Equal(VrrpHmacTrailer.Length, trailer.Length);
        return (message.ToArray(), trailer.ToArray(), VrrpHmacTrailer.Read(trailer));
    }

    /// <summary>A clock reading whose sequence is the trailer's, counter aside.</summary>
    private static FakeTimeProvider ClockAt(VrrpHmacTrailer fields)
    {
        var subseconds = (long)((fields.Sequence >> 16) & 0xFFFF);
        var ticks = ((subseconds * TimeSpan.TicksPerSecond) + 65535) / 65536;
        return new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(fields.Seconds).AddTicks(ticks));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Verify_KeepalivedAdvert_Accepted(string fixture)
    {
        var (message, trailer, fields) = Split(fixture);
        var settings = new VrrpHmacSettings([KeyFor(fixture)], KeyFor(fixture).Id, VrrpHmacMode.Enforce, VrrpAntiReplay.Time, TimeSpan.FromSeconds(5));
        var receiver = new VrrpHmacAuthenticator(settings, ClockAt(fields));

        Assert.Equal(VrrpHmacFailure.None, receiver.Verify(message, trailer, SenderOf(fixture)));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Sign_SameAdvertAndClock_ReproducesKeepalivedTrailer(string fixture)
    {
        var (message, trailer, fields) = Split(fixture);
        Assert.Equal(0, (int)(fields.Sequence & 0xFFFF));
        var settings = new VrrpHmacSettings([KeyFor(fixture)], KeyFor(fixture).Id, VrrpHmacMode.Enforce, VrrpAntiReplay.Time, TimeSpan.FromSeconds(5));
        var signer = new VrrpHmacAuthenticator(settings, ClockAt(fields));
        var ours = new byte[VrrpHmacTrailer.Length];

        signer.Sign(message, ours, SenderOf(fixture));

        Assert.Equal(Convert.ToHexString(trailer), Convert.ToHexString(ours));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Verify_KeepalivedAdvertWithOtherKey_BadHmac(string fixture)
    {
        var (message, trailer, fields) = Split(fixture);
        var wrong = new VrrpHmacKey(KeyFor(fixture).Id, new byte[32]);
        var receiver = new VrrpHmacAuthenticator(
            new VrrpHmacSettings([wrong], wrong.Id, VrrpHmacMode.Enforce, VrrpAntiReplay.Time, TimeSpan.FromSeconds(5)), ClockAt(fields));

        Assert.Equal(VrrpHmacFailure.BadHmac, receiver.Verify(message, trailer, SenderOf(fixture)));
    }

    [Fact]
    public void Write_SameAdvertAsKeepalived_SameMessageBytes()
    {
        // Our encoder plus signer gives keepalived's whole VRRP payload, trailer included.
        var (message, trailer, fields) = Split("hmac-v3-unicast-vrid62-prio120");
        var packet = new VrrpPacket(VrrpVersion.V3, 62, 120, [IPAddress.Parse("198.18.211.20")], TimeSpan.FromMilliseconds(100));
        var buffer = new byte[message.Length + VrrpHmacTrailer.Length];
        var length = VrrpCodec.Write(packet, Sender, IPAddress.Parse("198.18.210.2"), buffer);
        var signer = new VrrpHmacAuthenticator(
            new VrrpHmacSettings([AsciiKey], 7, VrrpHmacMode.Enforce, VrrpAntiReplay.Time, TimeSpan.FromSeconds(5)), ClockAt(fields));

        signer.Sign(buffer.AsSpan(0, length), buffer.AsSpan(length), Sender);

        Assert.Equal(Convert.ToHexString([.. message, .. trailer]), Convert.ToHexString(buffer));
    }

    public static TheoryData<string, byte, byte, string[], int, string> Ipv6Adverts => new()
    {
        { "hmac-v6-multicast-vrid63-prio200", 63, 200, ["2001:2:0:201::50", "2001:2:0:201::51"], 100, "ff02::12" },
        { "hmac-v6-unicast-vrid64-prio120", 64, 120, ["2001:2:0:201::60"], 1000, "fe80::2" },
    };

    [Theory]
    [MemberData(nameof(Ipv6Adverts))]
    public void Write_SameIpv6AdvertAsKeepalived_SameMessageBytesAndVerifies(string fixture, byte vrid, byte priority, string[] vips, int intervalMs, string destination)
    {
        // Our IPv6 encoder plus signer give keepalived's payload, trailer included (and the checksum over both, as
        // keepalived's kernel computes it), and a receiver with the key verifies what we send.
        var (message, trailer, fields) = Split(fixture);
        var packet = new VrrpPacket(VrrpVersion.V3, vrid, priority, [.. vips.Select(IPAddress.Parse)], TimeSpan.FromMilliseconds(intervalMs));
        var buffer = new byte[message.Length + VrrpHmacTrailer.Length];
        var length = VrrpCodec.Write(packet, Sender6, IPAddress.Parse(destination), buffer);
        var key = KeyFor(fixture);
        var settings = new VrrpHmacSettings([key], key.Id, VrrpHmacMode.Enforce, VrrpAntiReplay.Time, TimeSpan.FromSeconds(5));

        new VrrpHmacAuthenticator(settings, ClockAt(fields)).Sign(buffer.AsSpan(0, length), buffer.AsSpan(length), Sender6);
        VrrpHmacIpv6Checksum.Cover(buffer, Sender6, IPAddress.Parse(destination)); // as VrrpChannel sends it

        Assert.Equal(Convert.ToHexString([.. message, .. trailer]), Convert.ToHexString(buffer));
        Assert.Equal(VrrpHmacFailure.None, new VrrpHmacAuthenticator(settings, ClockAt(fields)).Verify(buffer.AsSpan(0, length), buffer.AsSpan(length), Sender6));
    }

    [Fact]
    public void Verify_Ipv6AdvertUnderAnotherSource_BadHmac()
    {
        // The source address is bound into the HMAC over IPv6 too: keepalived's advert claimed from fe80::2 fails.
        var (message, trailer, fields) = Split("hmac-v6-multicast-vrid63-prio200");
        var receiver = new VrrpHmacAuthenticator(
            new VrrpHmacSettings([HexKey3], 3, VrrpHmacMode.Enforce, VrrpAntiReplay.Time, TimeSpan.FromSeconds(5)), ClockAt(fields));

        Assert.Equal(VrrpHmacFailure.BadHmac, receiver.Verify(message, trailer, IPAddress.Parse("fe80::2")));
    }
}
