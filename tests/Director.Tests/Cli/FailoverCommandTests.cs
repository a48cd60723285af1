using HaDirector.Director.Cli;

namespace HaDirector.Director.Tests.Cli;

public sealed class FailoverCommandTests
{
    [Theory]
    [InlineData("failover")]
    [InlineData("resume")]
    public void Parse_Vip_AcceptedByBothVerbs(string verb)
    {
        var parse = CommandTable.Build().Parse([verb, "--vip", "2001:db8:10::80"]);

        Assert.Empty(parse.Errors);
        Assert.Equal("2001:db8:10::80", parse.GetValue<string?>("--vip"));
    }
}
