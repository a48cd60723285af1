using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Tests.Probes;

public sealed class SynReplyTests
{
    // 10.0.0.2:80 → 10.0.0.1:40000, SYN-ACK, seq a0b0c0d0, ack 01020305, with a 4-byte IPv4 option (IHL 6).
    private const string SynAckWithIpOption = "4600003000004000400600000a0000020a0000010101010000509c40a0b0c0d0010203055012fe8800000000";

    [Fact]
    public void Read_SynAckBehindIpOptions_FieldsAndVerdict()
    {
        var reply = SynReply.Read(Convert.FromHexString(SynAckWithIpOption));

        Assert.Equal(new SynReply(SynAddress.FromIpv4(0x0a000002), 80, 40000, 0xa0b0c0d0, 0x01020305, 0x12), reply);
        Assert.True(reply!.Value.Accepted);
        Assert.False(reply.Value.Refused);
        Assert.True(reply.Value.Answers(0x01020304));
        Assert.False(reply.Value.Answers(0x01020305));
    }

    [Theory]
    [InlineData(0x14, false, true)] // RST, ACK: closed port
    [InlineData(0x04, false, false)] // bare RST: our own kernel's answer to a SYN-ACK, not a verdict
    [InlineData(0x16, false, true)] // SYN, RST, ACK: a reset, never an accept
    [InlineData(0x10, false, false)] // bare ACK
    public void Flags_OtherSegments_Verdicts(byte flags, bool accepted, bool refused)
    {
        var reply = new SynReply(0, 0, 0, 0, 0, flags);

        Assert.Equal((accepted, refused), (reply.Accepted, reply.Refused));
    }

    [Fact]
    public void Answers_IsnAtTheTop_WrapsAroundToZero()
    {
        Assert.True(new SynReply(0, 0, 0, 0, 0, 0x12).Answers(uint.MaxValue));
    }

    [Theory]
    [InlineData("6000")] // IPv6 version
    [InlineData("4500003000004000401100000a0000020a000001509c40a0b0c0d0010203055012fe8800000000")] // UDP
    [InlineData("4500003000002001400600000a0000020a000001509c40a0b0c0d0010203055012fe8800000000")] // a later fragment
    [InlineData("4500003000004000400600000a0000020a000001509c40a0")] // TCP header cut short
    public void Read_NotAWholeTcpHeader_Null(string hex)
    {
        Assert.Null(SynReply.Read(Convert.FromHexString(hex)));
    }
}
