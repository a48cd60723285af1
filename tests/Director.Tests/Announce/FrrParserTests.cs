using HaDirector.Director.Announce;

namespace HaDirector.Director.Tests.Announce;

/// <summary>
/// FRR 8.4's JSON, captured from a real FRR (Fixtures/frr-*.json: bgpd with an IPv4 neighbor, BFD to it, and an IPv6
/// neighbor that never came up; once with the router up, once with it stopped).
/// </summary>
public sealed class FrrParserTests
{
    [Fact]
    public void Sessions_RouterUp_OneEntryPerNeighborAcrossAddressFamilies()
    {
        var sessions = FrrParser.Sessions(BirdParserTests.Fixture("frr-show-bgp-summary-up.json"));

        Assert.Equal(
            [
                new BgpSessionState("198.18.250.1", "198.18.250.1", "Established", true, "0 prefix(es) sent"),
                new BgpSessionState("2001:db8:250::1", "2001:db8:250::1", "Active", false, "0 prefix(es) sent"),
            ],
            sessions);
    }

    [Fact]
    public void Sessions_RouterDown_NotEstablished()
    {
        var sessions = FrrParser.Sessions(BirdParserTests.Fixture("frr-show-bgp-summary-down.json"));

        Assert.All(sessions, s => Assert.False(s.Established));
    }

    [Fact]
    public void BfdPeers_UpThenDown()
    {
        Assert.Equal(new BfdSessionState("198.18.250.1", null, "up", true), Assert.Single(FrrParser.BfdPeers(BirdParserTests.Fixture("frr-show-bfd-peers-up.json"))));
        Assert.Equal(new BfdSessionState("198.18.250.1", null, "down", false), Assert.Single(FrrParser.BfdPeers(BirdParserTests.Fixture("frr-show-bfd-peers-down.json"))));
    }

    [Theory]
    [InlineData("{\"ipv4Unicast\":{\"peers\":{\"198.18.1.1\":7}}}")]
    [InlineData("{\"ipv4Unicast\":[1,2]}")]
    [InlineData("[]")]
    [InlineData("{\"ipv4Unicast\":{\"peers\":{\"198.18.1.1\":{}}}}")]
    public void Sessions_UnexpectedShapes_SkippedNotThrown(string json)
    {
        var sessions = FrrParser.Sessions(json);

        Assert.All(sessions, s => Assert.Equal("unknown", s.State));
    }

    [Fact]
    public void Sessions_NotJson_SaysWhatVtyshPrinted()
    {
        var error = Assert.Throws<IOException>(() => FrrParser.Sessions("% Unknown command: show bgp summary jsn\n"));

        Assert.Contains("% Unknown command", error.Message);
    }
}
