using HaDirector.Director.Announce;
using HaDirector.Director.Tests.Configuration;

namespace HaDirector.Director.Tests.Announce;

/// <summary>
/// BIRD 2.0.12's replies on its control socket, captured from a real BIRD (Fixtures/bird-*.txt: a director's BIRD with a
/// kernel protocol per family, BFD and one BGP session to a router's BIRD, with the session up, then with the router
/// stopped).
/// </summary>
public sealed class BirdParserTests
{
    internal static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(ConfigLoaderTests.RepositoryRoot(), "tests", "Director.Tests", "Announce", "Fixtures", name));

    internal static BirdReply Reply(string name) => BirdReply.Parse(Fixture(name).Split('\n', StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void Sessions_SessionUp_ListsTheBgpProtocolEstablishedWithItsNeighbor()
    {
        var session = Assert.Single(BirdParser.Sessions(Reply("bird-show-protocols-all-up.txt")));

        Assert.Equal(new BgpSessionState("uplink", "198.18.250.1", "Established", true, null), session);
    }

    [Fact]
    public void Sessions_PeerGone_ShowsTheStateAndTheLastError()
    {
        var session = Assert.Single(BirdParser.Sessions(Reply("bird-show-protocols-all-down.txt")));

        Assert.Equal(new BgpSessionState("uplink", "198.18.250.1", "Active", false, "Received: Administrative shutdown"), session);
    }

    [Fact]
    public void Sessions_PlainShowProtocols_TakesTheStateFromTheInfoColumn()
    {
        var reply = BirdReply.Parse([
            "2002-Name       Proto      Table      State  Since         Info",
            "1002-device1    Device     ---        up     06:13:30.105  ",
            " d1         BGP        ---        start  2026-12-07 06:14:06  Idle          Error: BFD session down",
            " d2         BGP        ---        up     06:13:34.118  Established   ",
            "0000 ",
        ]);

        Assert.Equal(
            [new BgpSessionState("d1", null, "Idle", false, "Error: BFD session down"), new BgpSessionState("d2", null, "Established", true, null)],
            BirdParser.Sessions(reply));
    }

    [Fact]
    public void Bfd_SessionUpThenDown_ReadsNeighborInterfaceAndState()
    {
        var (up, upNote) = BirdParser.Bfd(Reply("bird-show-bfd-sessions-up.txt"));
        var (down, _) = BirdParser.Bfd(Reply("bird-show-bfd-sessions-down.txt"));

        Assert.Null(upNote);
        Assert.Equal(new BfdSessionState("198.18.250.1", "ann-d0", "Up", true), Assert.Single(up));
        Assert.Equal(new BfdSessionState("198.18.250.1", "ann-d0", "Down", false), Assert.Single(down));
    }

    [Fact]
    public void Bfd_NoBfdProtocol_IsANoteNotAFailure()
    {
        var (sessions, note) = BirdParser.Bfd(Reply("bird-show-bfd-sessions-none.txt"));

        Assert.Empty(sessions);
        Assert.Equal("There is no BFD protocol running", note);
    }

    [Fact]
    public void Sessions_ErrorReply_Throws()
    {
        var error = Assert.Throws<IOException>(() => BirdParser.Sessions(BirdReply.Parse(["9001 syntax error, unexpected CF_SYM_UNDEFINED"])));

        Assert.Contains("syntax error", error.Message);
    }

    [Theory]
    [InlineData("HTTP/1.1 400 Bad Request")]
    [InlineData("12-short")]
    public void Parse_NotBirdsLineProtocol_Throws(string line)
    {
        Assert.Throws<IOException>(() => BirdReply.Parse([line]));
    }
}
