using HaDirector.Linux.Packets;

namespace HaDirector.Linux.Tests.Packets;

public sealed class InternetChecksumTests
{
    [Fact]
    public void Add_Rfc1071Example_FoldsTheCarries()
    {
        // RFC 1071 §3: 0001 f203 f4f5 f6f7 sums to 2ddf0, folded to ddf2.
        Assert.Equal(0xddf2u, InternetChecksum.Add(0, [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]));
        Assert.Equal(0x220d, InternetChecksum.Finish(0xddf2));
    }

    [Fact]
    public void Add_OddLength_PadsTheLastByteWithZero()
    {
        Assert.Equal(InternetChecksum.Add(0, [0x12, 0x34, 0x56, 0x00]), InternetChecksum.Add(0, [0x12, 0x34, 0x56]));
    }
}
