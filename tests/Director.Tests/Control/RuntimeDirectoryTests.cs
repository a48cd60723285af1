using System.Text;
using HaDirector.Director.Control;

namespace HaDirector.Director.Tests.Control;

public sealed class RuntimeDirectoryTests
{
    [Fact]
    public void Key_OfAPath_IsTheFirstSixteenHexDigitsOfItsSha256()
    {
        const string path = "/etc/hadirector/hadirector.yaml";
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..16];

        Assert.Equal(expected, RuntimeDirectory.Key(path));
    }
}
