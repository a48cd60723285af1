using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

public sealed class ConfigSourceMapTests
{
    [Fact]
    public void ErrorAt_ValueInTheFile_PointsAtTheValue()
    {
        var sources = ConfigLoader.LoadFromText(ConfigLoaderTests.Minimal, "lb1.yaml").Sources;

        var error = sources.ErrorAt("vrrp.instances[0].interface", "no such interface");

        Assert.Equal("lb1.yaml:4:18: vrrp.instances[0].interface: no such interface", error.ToString());
    }

    [Fact]
    public void Locate_DefaultedValue_IsTheEnclosingMapping()
    {
        var sources = ConfigLoader.LoadFromText(ConfigLoaderTests.Minimal, "lb1.yaml").Sources;

        Assert.False(sources.Contains("vrrp.instances[0].garp.repeat"));
        Assert.Equal((3, 7), sources.Locate("vrrp.instances[0].garp.repeat"));
    }

    [Fact]
    public void Contains_ListItem_IsTrue()
    {
        var sources = ConfigLoader.LoadFromText(ConfigLoaderTests.Minimal, "lb1.yaml").Sources;

        Assert.True(sources.Contains("vrrp.instances[0].virtualAddresses[0]"));
        Assert.Equal((7, 26), sources.Locate("vrrp.instances[0].virtualAddresses[0]"));
    }
}
