using HaDirector.Linux.Netlink.Codec;
using HaDirector.Linux.Netlink.Genetlink;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Genetlink;

public class GenericNetlinkCodecTests
{
    /// <summary>
    /// Found by bench/fuzz (netlink, AFL++): a type-16 (nlctrl) reply whose payload is shorter than the 4-byte
    /// genlmsghdr made Slice throw ArgumentOutOfRangeException, outside the readers' contract.
    /// </summary>
    [Fact]
    public void ParseFamily_PayloadShorterThanTheGenericHeader_InvalidData()
    {
        var bytes = Hex.Parse("13000000 1000 0000 00000000 00000000 010000 00"); // 19 bytes: 3 of payload, then padding

        Assert.Throws<InvalidDataException>(() => ParseSingle(bytes));
    }

    private static GenericNetlinkFamily ParseSingle(byte[] bytes)
    {
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.MoveNext());
        return GenericNetlinkCodec.ParseFamily(reader.Current);
    }
}
