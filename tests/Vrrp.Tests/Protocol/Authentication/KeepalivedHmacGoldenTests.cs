using System.Net;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Protocol.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.Vrrp.Tests.Protocol.Authentication;

/// <summary>
/// Byte-for-byte interoperability with keepalived 2.4.3 <c>auth_hmac</c>: its captured adverts (Fixtures/hmac-*.hex) verify
/// here, and our signer, at the same clock reading, produces exactly its trailer.
/// </summary>
public sealed class KeepalivedHmacGoldenTests
{
    private static readonly IPAddress Sender = IPAddress.Parse("198.18.210.1");
    private static readonly VrrpHmacKey HexKey = new(1, Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
    private static readonly VrrpHmacKey AsciiKey = new(7, "0123456789abcdef0123456789abcdef"u8);

    public static TheoryData<string> Captures => ["hmac-v2-vrid61-prio150", "hmac-v2-vrid61-prio0", "hmac-v3-unicast-vrid62-prio120", "hmac-v3-unicast-vrid62-prio0"];

    private static VrrpHmacKey KeyFor(string fixture) => fixture.StartsWith("hmac-v2", StringComparison.Ordinal) ? HexKey : AsciiKey;

    private static (byte[] Message, byte[] Trailer, VrrpHmacTrailer Fields) Split(string fixture)
    {
        var datagram = Fixture.Load(fixture);
        Assert.Equal(VrrpDropReason.None, VrrpCodec.TryParse(datagram, out var parsed));
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

        Assert.Equal(VrrpHmacFailure.None, receiver.Verify(message, trailer, Sender));
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

        signer.Sign(message, ours, Sender);

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

        Assert.Equal(VrrpHmacFailure.BadHmac, receiver.Verify(message, trailer, Sender));
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
}
