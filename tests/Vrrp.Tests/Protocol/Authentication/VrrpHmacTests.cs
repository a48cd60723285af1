using System.Net;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Protocol.Authentication;

namespace HaDirector.Vrrp.Tests.Protocol.Authentication;

/// <summary>
/// Golden trailers computed independently (Python's hmac module over the draft's input: pseudo-header, message with a zero
/// checksum, trailer prefix, 16 zero bytes), for fixed keys, times and adverts.
/// </summary>
public sealed class VrrpHmacTests
{
    private static readonly byte[] Key32 = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    // 2026-12-07T00:00:00Z
    private const uint Seconds = 1796601600;

    public static TheoryData<string, string, byte, string, ulong, string> Vectors => new()
    {
        // name, source, key id, message hex, sequence, expected trailer hex
        {
            "v3-ipv4", "198.18.200.1", 1, "3135c801000aabcdc612c91e", ((ulong)Seconds << 32) | 0x8000_0000,
            "010100006b15f7008000000006c6ea540014c74409d174b601cfb315"
        },
        {
            "v3-ipv6", "fe80::1", 1, "3135c801000aabcd" + "fe800000000000000000000000000010", ((ulong)Seconds << 32) | 0x8000_0000,
            "010100006b15f700800000002d4ce2100f91c56fc72c9f256aa4d670"
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Compute_FixedKeyTimeAndAdvert_MatchesIndependentHmac(string name, string source, byte keyId, string messageHex, ulong sequence, string expected)
    {
        _ = name;
        var message = Convert.FromHexString(messageHex);
        var trailer = new byte[VrrpHmacTrailer.Length];
        new VrrpHmacTrailer(VrrpHmacTrailer.TypeHmacSha256, keyId, 0, sequence).Write(trailer);

        VrrpHmac.Compute(new VrrpHmacKey(keyId, Key32), IPAddress.Parse(source), (VrrpVersion)(message[0] >> 4), message[1], message, trailer,
            trailer.AsSpan(VrrpHmacTrailer.HmacOffset));

        Assert.Equal(expected, Convert.ToHexStringLower(trailer));
    }

    [Fact]
    public void Compute_V2AdvertAsciiKeyAndCounter_MatchesIndependentHmac()
    {
        var message = Convert.FromHexString("213396020001" + "1234" + "c612c90ac612c90b" + "0000000000000000");
        var trailer = new byte[VrrpHmacTrailer.Length];
        new VrrpHmacTrailer(VrrpHmacTrailer.TypeHmacSha256, 7, 0, ((ulong)Seconds << 32) | 5).Write(trailer);

        VrrpHmac.Compute(new VrrpHmacKey(7, "0123456789abcdef0123456789abcdef"u8), IPAddress.Parse("198.18.200.1"), VrrpVersion.V2, 51,
            message, trailer, trailer.AsSpan(VrrpHmacTrailer.HmacOffset));

        Assert.Equal("010700006b15f70000000005405c92d647f12eacd55e50816ef91c42", Convert.ToHexStringLower(trailer));
    }

    [Fact]
    public void Compute_ChecksumFieldChanged_SameHmac()
    {
        // The v3 checksum differs per unicast destination: one signature must serve every copy.
        var a = Convert.FromHexString("3135c801000aabcdc612c91e");
        var b = Convert.FromHexString("3135c801000a0000c612c91e");

        Assert.Equal(Hmac(a), Hmac(b));
    }

    [Fact]
    public void PseudoHeader_Ipv6Source_FamilySixAndSixteenAddressBytes()
    {
        var header = new byte[VrrpHmacPseudoHeader.Length];

        VrrpHmacPseudoHeader.Write(header, IPAddress.Parse("fe80::1"), VrrpVersion.V3, 9);

        Assert.Equal("06030900fe800000000000000000000000000001", Convert.ToHexStringLower(header));
    }

    [Fact]
    public void PseudoHeader_Ipv4Source_FamilyFourAddressThenZeros()
    {
        var header = new byte[VrrpHmacPseudoHeader.Length];

        VrrpHmacPseudoHeader.Write(header, IPAddress.Parse("198.18.200.1"), VrrpVersion.V2, 51);

        Assert.Equal("04023300c612c801000000000000000000000000", Convert.ToHexStringLower(header));
    }

    [Fact]
    public void ClockSequence_HalfSecond_SubsecondsHalfAndCounterZero()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(Seconds).AddMilliseconds(500);

        Assert.Equal(((ulong)Seconds << 32) | 0x8000_0000, VrrpHmacTrailer.ClockSequence(at));
    }

    [Fact]
    public void KeyToString_NeverShowsTheBytes()
    {
        var key = new VrrpHmacKey(3, "super-secret-value-0123456789abcdef"u8);

        Assert.Equal("key 3 (35 bytes)", key.ToString());
        Assert.DoesNotContain("secret", new VrrpHmacSettings([key], 3, VrrpHmacMode.Enforce, VrrpAntiReplay.Time, TimeSpan.FromSeconds(5)).ToString());
    }

    [Theory]
    [InlineData(31)]
    [InlineData(65)]
    public void Key_LengthOutside32To64_Refused(int length) =>
        Assert.Throws<ArgumentException>(() => new VrrpHmacKey(1, new byte[length]));

    private static string Hmac(byte[] message)
    {
        var trailer = new byte[VrrpHmacTrailer.Length];
        new VrrpHmacTrailer(VrrpHmacTrailer.TypeHmacSha256, 1, 0, 42).Write(trailer);
        VrrpHmac.Compute(new VrrpHmacKey(1, Key32), IPAddress.Parse("198.18.200.1"), VrrpVersion.V3, 53, message, trailer, trailer.AsSpan(12));
        return Convert.ToHexString(trailer);
    }
}
