using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

public sealed class ClosestNameTests
{
    private static readonly string[] Keys = ["name", "interface", "vrid", "priority", "advertInterval", "preempt", "preemptDelay"];

    [Theory]
    [InlineData("advertIntervall", "advertInterval")]
    [InlineData("advertinterval", "advertInterval")]
    [InlineData("priorty", "priority")]
    [InlineData("prempt", "preempt")]
    [InlineData("vird", "vrid")]
    public void Find_Typo_SuggestsTheKey(string input, string expected)
    {
        Assert.Equal(expected, ClosestName.Find(input, Keys));
    }

    [Theory]
    [InlineData("colour")]
    [InlineData("x")]
    public void Find_NothingClose_ReturnsNull(string input)
    {
        Assert.Null(ClosestName.Find(input, Keys));
    }
}
