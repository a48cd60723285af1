using System.Globalization;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Deploy;

/// <summary>deploy/install of the published single file into temp dirs; the host's /usr/local and /etc are never touched.</summary>
public sealed class InstallTests : IClassFixture<PublishedBinary>, IDisposable
{
    private readonly PublishedBinary _published;
    private readonly string _dir = Directory.CreateTempSubdirectory("hd-install-").FullName;

    public InstallTests(PublishedBinary published) => _published = published;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ShellResult Install(params string[] args) =>
        Shell.RunWithTimeout(TimeSpan.FromMinutes(2), Repository.File("deploy", "install"), ["--from", _published.Directory, .. args]);

    private static void AssertOk(ShellResult r) => Assert.True(r.ExitCode == 0, $"{r.Command} exited {r.ExitCode}: {r.Stderr}{r.Stdout}");

    [Fact]
    public void Install_Prefix_InstalledBinaryRunsAndChecksTheInstalledConfigAndTheUnitVerifies()
    {
        AssertOk(Install("--prefix", _dir, "--sysconfdir", Path.Combine(_dir, "etc")));

        var binary = Path.Combine(_dir, "bin", "hadirector");
        var config = Path.Combine(_dir, "etc", "hadirector", "hadirector.yaml");
        var version = Shell.Run(binary, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout);
        var check = Shell.Run(binary, "check-config", "--offline", "--config", config);
        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.Equal($"{config}: OK (1 VRRP instance(s), 1 virtual server(s))", check.Stdout.Trim());

        var unit = Path.Combine(_dir, "etc", "systemd", "system", "hadirector.service");
        Assert.Contains($"ExecStart={binary} run --config {config}\n", File.ReadAllText(unit), StringComparison.Ordinal);
        var verify = Shell.Run("systemd-analyze", "verify", "--man=no", unit);
        Assert.True(verify.ExitCode == 0 && verify.Stderr.Trim().Length == 0, verify.Stderr);
        Assert.Equal("ip_vs", File.ReadAllLines(Path.Combine(_dir, "etc", "modules-load.d", "hadirector.conf")).First(l => !l.StartsWith('#')));
    }

    [Fact]
    public void Install_Again_KeepsTheOperatorsConfig()
    {
        var etc = Path.Combine(_dir, "etc");
        AssertOk(Install("--prefix", _dir, "--sysconfdir", etc));
        var config = Path.Combine(etc, "hadirector", "hadirector.yaml");
        File.AppendAllText(config, "# edited by the operator\n");

        var again = Install("--prefix", _dir, "--sysconfdir", etc);

        AssertOk(again);
        Assert.Contains("kept existing", again.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("# edited by the operator\n", File.ReadAllText(config), StringComparison.Ordinal);
    }

    [Fact]
    public void Install_DestDir_StagesUnderItWhileTheUnitNamesTheFinalPaths()
    {
        AssertOk(Install("--destdir", _dir));

        Assert.True(File.Exists(Path.Combine(_dir, "usr", "local", "bin", "hadirector")));
        Assert.True(File.Exists(Path.Combine(_dir, "etc", "hadirector", "hadirector.yaml")));
        var unit = File.ReadAllText(Path.Combine(_dir, "etc", "systemd", "system", "hadirector.service"));
        Assert.Equal(File.ReadAllText(Repository.File("deploy", "hadirector.service")), unit);
    }

    /// <summary>
    /// The single file in a namespace: it must open the packet socket (GARP), the raw VRRP socket and add the VIP over
    /// netlink exactly as the framework-dependent build does.
    /// </summary>
    [Fact]
    public void PublishedSingleFile_AloneOnALan_BecomesMasterAndTheRouterLearnsTheVipFromItsGarp()
    {
        using var lan = new LanTopology("lb1");
        var host = lan["lb1"];
        var vip = System.Net.IPAddress.Parse("198.18.0.100");
        var config = Path.Combine(_dir, "hadirector.yaml");
        File.WriteAllText(config, DirectorProcess.VrrpConfig(51, 150, 3, TimeSpan.FromMilliseconds(100), vip.ToString())
            .Replace("$DIR", _dir, StringComparison.Ordinal));
        using var daemon = new ManagedProcess("published@lb1", host.Namespace, Path.Combine(_published.Directory, "hadirector"),
            ["run", "--config", config]);

        Wait.Until(() => host.HasAddress(vip), TimeSpan.FromSeconds(20), "the VIP on lb1", () => daemon.Output);
        Wait.Until(() => lan.RouterNeighbourMac(vip) == host.Mac, TimeSpan.FromSeconds(10), "the router to learn lb1's MAC for the VIP", () => daemon.Output);
        Assert.False(daemon.HasExited, daemon.Output);
        Assert.Equal(host.Mac, lan.RouterNeighbourMac(vip)?.ToLower(CultureInfo.InvariantCulture));
    }
}
