using System.Net;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Tests.Election;

public sealed class VrrpInstanceDriverWarmUpTests
{
    [Theory]
    [InlineData(VrrpVersion.V3, 100, 100)]
    [InlineData(VrrpVersion.V2, 1000, 150)]
    [InlineData(VrrpVersion.V3, 20, 254)]
    [InlineData(VrrpVersion.V3, 100, 255)] // address owner
    public void WarmUp_AnyInstance_RunsWithoutThrowing(VrrpVersion version, int intervalMs, int priority)
    {
        var options = new VrrpInstanceOptions("web", 51, (byte)priority, version, TimeSpan.FromMilliseconds(intervalMs),
            IPAddress.Parse("198.18.0.10"), [IPAddress.Parse("198.18.0.100")])
        {
            Authentication = version == VrrpVersion.V2 ? VrrpAuthentication.Password("secret") : VrrpAuthentication.None,
        };

        var exception = Record.Exception(() => VrrpInstanceDriver.WarmUp(options));

        Assert.Null(exception);
    }
}
