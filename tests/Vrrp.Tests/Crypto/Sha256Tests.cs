using HaDirector.Vrrp.Crypto;

namespace HaDirector.Vrrp.Tests.Crypto;

public sealed class Sha256Tests
{
    [Fact]
    public void HashData_Abc_IsFips180Example() =>
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            Convert.ToHexStringLower(Sha256.HashData("abc"u8)));

    [Fact]
    public void HashData_EveryLengthAcrossThreeBlocks_IsThePlatformDigest()
    {
        // Lengths 0..200 cross every padding case: 55 and 56 bytes (the length field fits the block or not), 64, 119, 120.
        var data = Enumerable.Range(0, 200).Select(i => (byte)(i * 7 + 3)).ToArray();
        for (var length = 0; length <= data.Length; length++)
        {
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data.AsSpan(0, length)), Sha256.HashData(data.AsSpan(0, length)));
        }
    }
}
