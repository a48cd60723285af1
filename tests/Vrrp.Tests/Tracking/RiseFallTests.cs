using HaDirector.Vrrp.Tracking;

namespace HaDirector.Vrrp.Tests.Tracking;

public sealed class RiseFallTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("F", true)]
    [InlineData("FF", false)]
    [InlineData("FFS", false)]
    [InlineData("FFSFS", false)]
    [InlineData("FFSS", false)]
    [InlineData("FFSSS", true)]
    [InlineData("FSFSFS", true)]
    [InlineData("FFSSSSFSF", true)]
    public void Record_Sequence_StateAfterRiseThreeFallTwo(string results, bool up)
    {
        var policy = new RiseFall(rise: 3, fall: 2);
        foreach (var r in results)
        {
            policy.Record(r == 'S');
        }

        Assert.Equal(up, policy.Up);
    }

    [Fact]
    public void Record_TheResultThatFlips_ReturnsTrueOnce()
    {
        var policy = new RiseFall(rise: 1, fall: 1);

        Assert.False(policy.Record(true));
        Assert.True(policy.Record(false));
        Assert.False(policy.Record(false));
        Assert.True(policy.Record(true));
    }

    [Fact]
    public void Constructor_StartDown_NeedsRiseSuccesses()
    {
        var policy = new RiseFall(rise: 2, fall: 1, startUp: false);

        Assert.False(policy.Record(true));
        Assert.True(policy.Record(true));
        Assert.True(policy.Up);
    }
}
