using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

public sealed class ConfigErrorTests
{
    [Fact]
    public void ToString_WithFieldPath_IsFileLineColumnFieldMessage()
    {
        var error = new ConfigError("/etc/hadirector/hadirector.yaml", 12, 17, "vrrp.instances[0].priority", "must be 1..255, got 300");

        Assert.Equal("/etc/hadirector/hadirector.yaml:12:17: vrrp.instances[0].priority: must be 1..255, got 300", error.ToString());
    }

    [Fact]
    public void ToString_WithoutFieldPath_LeavesTheFieldOut()
    {
        var error = new ConfigError("lb1.yaml", 3, 1, "", "invalid YAML: Duplicate key vrrp");

        Assert.Equal("lb1.yaml:3:1: invalid YAML: Duplicate key vrrp", error.ToString());
    }
}
