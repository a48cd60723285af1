using System.Net;
using HaDirector.Director.Ipvs;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class DrainTargetTests
{
    [Theory]
    [InlineData("198.18.1.2", "198.18.1.2")]
    [InlineData("198.18.1.2:80", "198.18.1.2:80")]
    [InlineData("2001:db8::2", "2001:db8::2")]
    [InlineData("[2001:db8::2]:443", "[2001:db8::2]:443")]
    public void TryParse_AddressWithOrWithoutPort_Parsed(string text, string expected)
    {
        Assert.True(DrainTarget.TryParse(text, out var target));
        Assert.Equal(expected, target!.ToString());
    }

    [Theory]
    [InlineData("web1")]
    [InlineData("198.18.1.2:0")]
    [InlineData("")]
    public void TryParse_NotAnAddress_False(string text)
    {
        Assert.False(DrainTarget.TryParse(text, out _));
    }

    [Fact]
    public void Matches_PortGiven_OnlyThatPort()
    {
        var target = new DrainTarget(IPAddress.Parse("198.18.1.2"), 80);

        Assert.True(target.Matches(new DestinationKey(IPAddress.Parse("198.18.1.2"), 80)));
        Assert.False(target.Matches(new DestinationKey(IPAddress.Parse("198.18.1.2"), 443)));
        Assert.False(target.Matches(new DestinationKey(IPAddress.Parse("198.18.1.3"), 80)));
    }
}
