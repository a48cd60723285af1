using HaDirector.Director.Announce;

namespace HaDirector.Director.Tests.Announce;

/// <summary>The vtysh client against a stand-in vtysh (a shell script) that prints the captured FRR output, or fails as vtysh does.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FrrVtyshClientTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hd-vtysh-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A vtysh that answers `-c 'show bgp summary json'` with <paramref name="bgp"/> and `-c 'show bfd peers json'` with <paramref name="bfd"/>.</summary>
    private string Vtysh(string bgp, string bfd)
    {
        var bgpFile = Path.Combine(_directory, "bgp");
        var bfdFile = Path.Combine(_directory, "bfd");
        File.WriteAllText(bgpFile, bgp);
        File.WriteAllText(bfdFile, bfd);
        var script = Path.Combine(_directory, "vtysh");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            echo "$@" > {{_directory}}/args
            echo "% Can't open configuration file /etc/frr/vtysh.conf due to 'No such file or directory'." >&2
            case "$*" in
              *"show bgp summary json"*) f={{bgpFile}} ;;
              *) f={{bfdFile}} ;;
            esac
            case "$(head -c 1 $f)" in
              "{"|"[") cat $f ;;
              "s") sleep 60 ;;
              *) cat $f; exit 1 ;;
            esac
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    [Fact]
    public async Task ReadAsync_FrrAnswers_SessionsAndBfdThroughTheGivenSocketDirectory()
    {
        var vtysh = Vtysh(BirdParserTests.Fixture("frr-show-bgp-summary-up.json"), BirdParserTests.Fixture("frr-show-bfd-peers-up.json"));

        var snapshot = await new FrrVtyshClient(vtysh, "/run/frr/ns1").ReadAsync(TestContext.Current.CancellationToken);

        Assert.True(snapshot.Sessions[0].Established);
        Assert.True(Assert.Single(snapshot.Bfd).Up);
        Assert.Null(snapshot.BfdNote);
        Assert.Equal("--vty_socket /run/frr/ns1 -c show bfd peers json", File.ReadAllText(Path.Combine(_directory, "args")).Trim());
    }

    [Fact]
    public async Task ReadAsync_NoBfdd_SessionsAndANote()
    {
        var vtysh = Vtysh(BirdParserTests.Fixture("frr-show-bgp-summary-up.json"), "bfdd is not running\n");

        var snapshot = await new FrrVtyshClient(vtysh, null).ReadAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, snapshot.Sessions.Count);
        Assert.Equal("bfdd is not running", snapshot.BfdNote);
    }

    [Fact]
    public async Task ReadAsync_NoBgpd_IOExceptionWithVtyshsWords()
    {
        var vtysh = Vtysh("bgpd is not running\n", "[]");

        var error = await Assert.ThrowsAsync<IOException>(() => new FrrVtyshClient(vtysh, null).ReadAsync(TestContext.Current.CancellationToken));

        Assert.Equal("vtysh: bgpd is not running", error.Message);
    }

    [Fact]
    public async Task ReadAsync_NoVtysh_IOException()
    {
        await Assert.ThrowsAsync<IOException>(() => new FrrVtyshClient(Path.Combine(_directory, "nosuch"), null).ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadAsync_VtyshHangs_KilledWhenTheCallerCancels()
    {
        var vtysh = Vtysh("sleep", "[]");
        using var cancel = new CancellationTokenSource();

        var read = new FrrVtyshClient(vtysh, null).ReadAsync(cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }
}
