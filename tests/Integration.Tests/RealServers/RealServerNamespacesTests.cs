using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.RealServers;

/// <summary>
/// `hadirector realserver` in two network namespaces of one host, with the same state directory (as
/// /var/lib/hadirector is): each namespace's up and down touch only that namespace and its own saved state.
/// </summary>
public sealed class RealServerNamespacesTests : IDisposable
{
    private const string Vip1 = "198.18.0.100";
    private const string Vip2 = "198.18.0.101";

    private readonly LanTopology _lan = new("rs1", "rs2");
    private readonly string _dir = Directory.CreateTempSubdirectory("hd-realserver-ns-").FullName;

    public void Dispose()
    {
        _lan.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Ns(string host) => _lan[host].Namespace;

    private ShellResult RealServer(string host, params string[] args) =>
        Shell.Run("ip", ["netns", "exec", Ns(host), Binary.Path, "realserver", .. args, "--state-dir", Path.Combine(_dir, "state")]);

    private static void AssertOk(ShellResult r) => Assert.True(r.ExitCode == 0, $"{r.Command} exited {r.ExitCode}: {r.Stderr}{r.Stdout}");

    [Fact]
    public void Down_InOneNamespace_TheOthersVipsSysctlsAndStateIntact()
    {
        RealServerHostSnapshot.SetSysctl(Ns("rs2"), "all", "arp_announce", "1");
        var rs2Before = RealServerHostSnapshot.Take(Ns("rs2"));
        AssertOk(RealServer("rs1", "up", "--vip", Vip1));
        AssertOk(RealServer("rs2", "up", "--vip", Vip1, "--vip", Vip2));
        var rs2Up = RealServerHostSnapshot.Take(Ns("rs2"));

        AssertOk(RealServer("rs1", "down"));

        Assert.Equal(rs2Up, RealServerHostSnapshot.Take(Ns("rs2")));
        Assert.Equal($"127.0.0.1/8 {Vip1}/32 {Vip2}/32", rs2Up.LoAddresses);
        Assert.Equal("127.0.0.1/8", RealServerHostSnapshot.Take(Ns("rs1")).LoAddresses);
        // rs2's own down still knows what to undo, down to its custom arp_announce.
        var down = RealServer("rs2", "down");
        AssertOk(down);
        Assert.Equal(rs2Before, RealServerHostSnapshot.Take(Ns("rs2")));
    }

    [Fact]
    public void Up_InEachNamespace_StateSavedPerNamespace()
    {
        var up1 = RealServer("rs1", "up", "--vip", Vip1);
        var up2 = RealServer("rs2", "up", "--vip", Vip2);

        AssertOk(up1);
        AssertOk(up2);
        Assert.True(File.Exists(Path.Combine(_dir, "state", $"realserver.netns-{Ns("rs1")}.json")), up1.Stdout);
        Assert.True(File.Exists(Path.Combine(_dir, "state", $"realserver.netns-{Ns("rs2")}.json")), up2.Stdout);
        Assert.DoesNotContain(Vip1, File.ReadAllText(Path.Combine(_dir, "state", $"realserver.netns-{Ns("rs2")}.json")), StringComparison.Ordinal);
    }
}
