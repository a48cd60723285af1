using HaDirector.Director.RealServers;

namespace HaDirector.Director.Tests.RealServers;

/// <summary>The binary the --persist unit names: the installed one, not the copy up was run from.</summary>
public sealed class RealServerBinaryTests
{
    [Fact]
    public void Resolve_RunFromABuildTreeWithAnInstalledCopy_TheInstalledCopy()
    {
        var path = RealServerBinary.Resolve("/home/op/HaDirector/artifacts/publish/hadirector", p => p == "/usr/local/bin/hadirector");

        Assert.Equal("/usr/local/bin/hadirector", path);
    }

    [Fact]
    public void Resolve_RunFromATempCopyWithOnlyAnSbinCopy_TheSbinCopy()
    {
        Assert.Equal("/usr/sbin/hadirector", RealServerBinary.Resolve("/tmp/x/hadirector", p => p == "/usr/sbin/hadirector"));
    }

    [Fact]
    public void Resolve_RunAsAnInstalledCopyUnderAnotherPrefix_ThatCopy()
    {
        Assert.Equal("/opt/hadirector/bin/hadirector", RealServerBinary.Resolve("/opt/hadirector/bin/hadirector", _ => true));
    }

    [Fact]
    public void Resolve_UnderDotnet_NeverNamesDotnet()
    {
        Assert.Equal("/usr/local/bin/hadirector", RealServerBinary.Resolve("/usr/bin/dotnet", p => p == "/usr/local/bin/hadirector"));
    }

    [Fact]
    public void Resolve_NothingInstalled_TheRunningCopy()
    {
        Assert.Equal("/srv/build/hadirector", RealServerBinary.Resolve("/srv/build/hadirector", _ => false));
    }
}
