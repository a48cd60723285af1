using HaDirector.Linux.Netlink.Codec;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Codec;

public class NetlinkAckTests
{
    [Fact]
    public void Parse_CappedErrorWithExtAck_GivesErrnoTextAndOffset()
    {
        // What a 6.x kernel sends for a bad RTM_NEWADDR with NETLINK_CAP_ACK and NETLINK_EXT_ACK on:
        // flags NLM_F_CAPPED|NLM_F_ACK_TLVS, error -22, the request header, MSG and OFFS attributes.
        var bytes = Hex.Parse("""
            58000000 0200 0003 07000000 aa000000
            eaffffff
            28000000 1400 0506 07000000 00000000
            2b00 0100 496e76616c69642070726566697820666f7220676976656e20707265666978206c656e677468 00 00
            0800 0200 18000000
            """);

        var ack = ParseSingle(bytes);

        Assert.False(ack.IsSuccess);
        Assert.Equal(22, ack.Errno);
        Assert.Equal("Invalid prefix for given prefix length", ack.KernelMessage);
        Assert.Equal(24u, ack.ErrorOffset);
    }

    [Fact]
    public void Parse_UncappedErrorWithTlvs_SkipsTheEchoedRequest()
    {
        // Without CAP_ACK the kernel echoes the whole 20-byte request before the TLVs.
        var bytes = Hex.Parse("""
            34000000 0200 0002 05000000 aa000000
            efffffff
            14000000 1400 0506 05000000 00000000 01020304
            0900 0100 6e6f706500 000000
            """);

        var ack = ParseSingle(bytes);

        Assert.Equal(17, ack.Errno);
        Assert.Equal("nope", ack.KernelMessage);
    }

    [Fact]
    public void Parse_PlainAck_IsSuccess()
    {
        var bytes = Hex.Parse("24000000 0200 0001 09000000 aa000000 00000000 10000000 1400 0500 09000000 00000000");

        var ack = ParseSingle(bytes);

        Assert.True(ack.IsSuccess);
        Assert.Null(ack.KernelMessage);
    }

    /// <summary>Found by bench/fuzz (netlink): an echoed length of 2^31 went negative and Slice threw ArgumentOutOfRangeException.</summary>
    [Fact]
    public void Parse_EchoedRequestLongerThanTheReply_InvalidData()
    {
        // NLMSG_ERROR with NLM_F_ACK_TLVS, not capped: -EINVAL, then an echoed header claiming 0x80000000 bytes.
        var bytes = Hex.Parse("24000000 0200 0002 00000000 00000000 eaffffff 00000080 0000 0000 00000000 00000000");

        Assert.Throws<InvalidDataException>(() => ParseSingle(bytes));
    }

    [Fact]
    public void Parse_DoneWithDumpError_GivesErrno()
    {
        var bytes = Hex.Parse("14000000 0300 0200 09000000 aa000000 fdffffff"); // NLMSG_DONE, -ESRCH

        Assert.Equal(3, ParseSingle(bytes).Errno);
    }

    private static NetlinkAck ParseSingle(byte[] bytes)
    {
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.MoveNext());
        var ack = NetlinkAck.Parse(reader.Current);
        Assert.False(reader.MoveNext());
        return ack;
    }
}
