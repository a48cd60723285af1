using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Tests.Probes;

public sealed class AgentReplyTests
{
    public static TheoryData<string, bool, WeightKind, int> Replies => new()
    {
        { "50%\n", true, WeightKind.Percent, 50 },
        { "drain\n", true, WeightKind.Percent, 0 },
        { "down\n", false, WeightKind.None, 0 },
        { "up\n", true, WeightKind.None, 0 },
        { "ready", true, WeightKind.None, 0 },
        { "75%,drain", true, WeightKind.Percent, 0 },
        { "ready 25% # warming up", true, WeightKind.Percent, 25 },
        { "MAINT", false, WeightKind.None, 0 },
        { "stopped # deploy", false, WeightKind.None, 0 },
        { "fail 50%", false, WeightKind.None, 0 },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void Parse_HaproxyAgentWords_GiveStateAndWeight(string reply, bool up, WeightKind kind, int value)
    {
        var result = AgentReply.Parse(System.Text.Encoding.ASCII.GetBytes(reply));

        Assert.Equal((up, new WeightReport(kind, value)), (result.Up, result.Weight));
    }

    [Fact]
    public void Parse_EmptyReply_IsDown()
    {
        var result = AgentReply.Parse("\n"u8);

        Assert.Equal((false, "agent sent nothing"), (result.Up, result.Reason));
    }

    [Fact]
    public void Parse_Drain_IsUpAndDraining()
    {
        Assert.True(AgentReply.Parse("drain"u8).Drain);
    }

    [Fact]
    public void Parse_Reason_QuotesTheFirstLine()
    {
        Assert.Equal("agent: 50% # busy", AgentReply.Parse("50% # busy\nignored"u8).Reason);
    }
}
