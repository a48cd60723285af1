using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

/// <summary><c>learnedIntervalLimit</c>: the bound on the master interval a VRRPv3 backup adopts (docs/configuration.md).</summary>
public sealed class LearnedIntervalLimitConfigTests
{
    private static VrrpInstanceConfig Load(string extra)
    {
        var result = ConfigLoader.LoadFromText(ConfigLoaderTests.Minimal + "\n" + extra, "t.yaml");
        Assert.Empty(result.Errors);
        return Assert.Single(Assert.IsType<DirectorConfig>(result.Config).Vrrp.Instances);
    }

    private static string[] Errors(string extra) =>
        [.. ConfigLoader.LoadFromText(ConfigLoaderTests.Minimal + "\n" + extra, "t.yaml").Errors.Select(e => e.ToString())];

    [Theory]
    [InlineData("      advertInterval: 1s", 3000)]
    [InlineData("      advertInterval: 100ms", 1000)]
    [InlineData("      advertInterval: 20ms", 1000)]
    [InlineData("      advertInterval: 500ms", 1500)]
    [InlineData("      advertInterval: 30s", 40_950)]
    public void Default_ThreeIntervalsAtLeastOneSecond_CappedAtTheProtocolMaximum(string interval, int expectedMs)
    {
        var instance = Load(interval);

        Assert.Null(instance.LearnedIntervalLimit);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), instance.EffectiveLearnedIntervalLimit);
    }

    [Fact]
    public void Given_UsedAsWritten()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), Load("      learnedIntervalLimit: 5s").EffectiveLearnedIntervalLimit);
    }

    [Fact]
    public void Off_NoBoundAsTheRfcSays()
    {
        var instance = Load("      learnedIntervalLimit: off");

        Assert.Equal(TimeSpan.Zero, instance.LearnedIntervalLimit);
        Assert.Null(instance.EffectiveLearnedIntervalLimit);
    }

    [Fact]
    public void Version2_NoBoundSinceAV2BackupNeverAdopts()
    {
        Assert.Null(Load("      version: 2").EffectiveLearnedIntervalLimit);
    }

    [Fact]
    public void Version2_GivenIsAnErrorNamingTheLine()
    {
        Assert.Equal(
            ["t.yaml:9:29: vrrp.instances[0].learnedIntervalLimit: only used by VRRPv3 (a VRRPv2 backup never adopts the master's interval); this instance is version 2"],
            Errors("      version: 2\n      learnedIntervalLimit: 3s"));
    }

    [Fact]
    public void ShorterThanAdvertInterval_AnErrorNamingTheLine()
    {
        Assert.Equal(
            ["t.yaml:9:29: vrrp.instances[0].learnedIntervalLimit: must not be shorter than advertInterval (2s): a peer with our own interval would be cut short; got 1s"],
            Errors("      advertInterval: 2s\n      learnedIntervalLimit: 1s"));
    }

    [Theory]
    [InlineData("41s")]
    [InlineData("1005ms")]
    public void OutsideTheProtocolsSteps_AnError(string value)
    {
        Assert.Contains(Errors($"      learnedIntervalLimit: {value}"), e => e.Contains("needs centisecond steps up to 40.95s", StringComparison.Ordinal));
    }

    [Fact]
    public void NotADuration_AnError()
    {
        Assert.Contains(Errors("      learnedIntervalLimit: never"), e => e.Contains("learnedIntervalLimit: expected a duration", StringComparison.Ordinal));
    }
}
