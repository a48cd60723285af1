using HaDirector.Vrrp.Crypto;

namespace HaDirector.Vrrp.Tests.Crypto;

public sealed class HmacSha256Tests
{
    /// <summary>RFC 4231 §4.2, 4.3, 4.7: a short key, a key shorter than the output, a key longer than a block.</summary>
    [Theory]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")]
    [InlineData("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")]
    public void Compute_Rfc4231Vectors_Match(string key, string data, string mac)
    {
        using var hmac = new HmacSha256(Convert.FromHexString(key));
        var output = new byte[32];

        hmac.Compute(Convert.FromHexString(data), output);

        Assert.Equal(mac, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void Compute_EveryKeyAndMessageLength_IsThePlatformHmac()
    {
        // Keys across the block size (HMAC hashes a longer one first), messages across one- and two-block padding.
        var bytes = Enumerable.Range(0, 300).Select(i => (byte)(i * 13 + 5)).ToArray();
        var output = new byte[32];
        foreach (var keyLength in new[] { 1, 20, 32, 63, 64, 65, 100, 131 })
        {
            var key = bytes.AsSpan(0, keyLength);
            using var hmac = new HmacSha256(key);
            for (var length = 0; length <= 200; length++)
            {
                var data = bytes.AsSpan(7, length);
                hmac.Compute(data, output);
                Assert.Equal(System.Security.Cryptography.HMACSHA256.HashData(key, data), output);
            }
        }
    }

    [Fact]
    public void Compute_AfterDispose_Throws()
    {
        var hmac = new HmacSha256(new byte[32]);
        hmac.Dispose();

        Assert.Throws<ObjectDisposedException>(() => hmac.Compute([1, 2, 3], new byte[32]));
    }
}
