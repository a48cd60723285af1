using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Cli;

/// <summary>
/// `hadirector run` refusing what cannot work, before it touches the host: a second daemon for the same VRID (it used
/// to remove the first one's live VIP), an interface that does not exist, a metrics port in use, a VIP that is
/// the interface's own address. Each is one clear line naming the key, with a documented exit code.
/// </summary>
public sealed class RunCommandTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly DirectorLan _lan = new("lb1");
    private readonly string _dir = Directory.CreateTempSubdirectory("hd-run-").FullName;

    private LanHost Lb1 => _lan["lb1"];

    public void Dispose()
    {
        _lan.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Config(int vrid, string vip, string socket, string interfaceName = "eth0") =>
        DirectorProcess.VrrpConfig(vrid, 150, 3, TimeSpan.FromMilliseconds(100), vip)
            .Replace("$DIR/control.sock", socket, StringComparison.Ordinal)
            .Replace("interface: eth0", $"interface: {interfaceName}", StringComparison.Ordinal);

    /// <summary>A `run` in lb1's namespace that is expected to exit at once.</summary>
    private ShellResult Run(string yaml)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return RunFile(path);
    }

    private ShellResult RunFile(string path) =>
        Shell.RunWithTimeout(TimeSpan.FromSeconds(30), "ip", "netns", "exec", Lb1.Namespace, Binary.Path, "run", "--config", path);

    private DirectorProcess StartMaster()
    {
        var first = _lan.Start(Lb1, DirectorProcess.VrrpConfig(51, 150, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()));
        Wait.Until(() => Lb1.HasAddress(Vip) && File.Exists(first.SocketPath), Bound, "lb1 to be master", _lan.Diagnostics);
        return first;
    }

    private static void AssertNoStackTrace(ShellResult result) =>
        Assert.DoesNotContain("   at ", result.Stderr + result.Stdout, StringComparison.Ordinal);

    [Fact]
    public void Run_SecondDaemonOnTheSameConfiguration_ExitsWithoutTouchingTheFirstsVip()
    {
        var first = StartMaster();

        var second = RunFile(first.ConfigPath);

        Assert.True(second.ExitCode == 5, second.ToString());
        Assert.Equal($"hadirector: not starting: another hadirector (pid {first.Process.Pid}, config {first.ConfigPath}) already runs configuration {first.ConfigPath}",
            second.Stderr.Trim());
        Wait.Holds(() => Lb1.HasAddress(Vip), TimeSpan.FromSeconds(1), "the first daemon's VIP to stay", _lan.Diagnostics);
        Assert.Equal(0, first.Cli("status").ExitCode);
        Assert.False(first.Process.HasExited);
    }

    [Fact]
    public void Run_OtherConfigurationWithTheSameVridOnTheSameInterface_Refused()
    {
        var first = StartMaster();

        var second = Run(Config(51, "198.18.0.101", Path.Combine(_dir, "other.sock")));

        Assert.True(second.ExitCode == 5, second.ToString());
        Assert.EndsWith("already runs VRID 51 on eth0", second.Stderr.Trim(), StringComparison.Ordinal);
        Wait.Holds(() => Lb1.HasAddress(Vip), TimeSpan.FromSeconds(1), "the first daemon's VIP to stay", _lan.Diagnostics);
        Assert.False(first.Process.HasExited);
    }

    [Fact]
    public void Run_MetricsPortInUse_NamesMetricsListen()
    {
        StartMaster();

        var second = Run(Config(52, "198.18.0.101", Path.Combine(_dir, "other.sock")));

        Assert.True(second.ExitCode == 2, second.ToString());
        Assert.Contains("metrics.listen: cannot listen on 127.0.0.1:9810: the port is already in use by another process", second.Stderr, StringComparison.Ordinal);
        AssertNoStackTrace(second);
    }

    [Fact]
    public void Run_InterfaceThatDoesNotExist_NamesTheKeyAndLineWithoutAStackTrace()
    {
        var result = Run(Config(51, Vip.ToString(), Path.Combine(_dir, "c.sock"), "eth9"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Matches(@":5:\d+: vrrp\.instances\[0\]\.interface: interface 'eth9' does not exist on this host", result.Stderr);
        AssertNoStackTrace(result);
    }

    [Fact]
    public void Run_VipThatIsTheInterfacesOwnAddress_RefusedAndTheAddressKept()
    {
        var own = Lb1.Address.ToString();

        var result = Run(Config(51, own, Path.Combine(_dir, "c.sock")));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"vrrp.instances[0].virtualAddresses[0]: {own} is already eth0's own address", result.Stderr, StringComparison.Ordinal);
        Assert.True(Lb1.HasAddress(Lb1.Address), string.Join(", ", Lb1.Addresses()));
        AssertNoStackTrace(result);
    }

    [Fact]
    public void CheckConfig_InterfaceMissingHereButOffline_IsOk()
    {
        var path = Path.Combine(_dir, "other-host.yaml");
        File.WriteAllText(path, Config(51, Vip.ToString(), Path.Combine(_dir, "c.sock"), "eth9"));

        var here = Shell.Run(Binary.Path, "check-config", "--config", path);
        var offline = Shell.Run(Binary.Path, "check-config", "--offline", "--config", path);

        Assert.True(here.ExitCode == 2, here.ToString());
        Assert.Contains("vrrp.instances[0].interface: interface 'eth9' does not exist on this host", here.Stderr, StringComparison.Ordinal);
        Assert.True(offline.ExitCode == 0, offline.ToString());
    }

    [Fact]
    public void CheckConfig_OnTheHostWhereTheDaemonRunsIt_IsOk()
    {
        var first = StartMaster();

        // The daemon holds metrics.listen and the VIP: neither is a mistake of the file.
        var check = Shell.Run("ip", "netns", "exec", Lb1.Namespace, Binary.Path, "check-config", "--config", first.ConfigPath);

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Equal($"{first.ConfigPath}: OK (1 VRRP instance(s), 0 virtual server(s))", check.Stdout.Trim());
    }

    [Theory]
    [InlineData("run")]
    [InlineData("status")]
    [InlineData("reload")]
    public void Verb_NotRoot_Exits77SayingItNeedsRoot(string verb)
    {
        var path = Path.Combine(_dir, "c.yaml");
        File.WriteAllText(path, Config(51, Vip.ToString(), Path.Combine(_dir, "c.sock")));

        var result = Shell.Run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", Binary.Path, verb, "--config", path);

        Assert.True(result.ExitCode == 77, result.ToString());
        Assert.StartsWith($"hadirector {verb} needs root", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_SocketThatDoesNotExist_SaysSo()
    {
        var socket = Path.Combine(_dir, "none.sock");

        var result = Shell.Run(Binary.Path, "status", "--socket", socket);

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.StartsWith($"the control socket {socket} does not exist", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot assign requested address", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void StatusAndReload_WhileTheFileIsBroken_ReachTheRunningDaemon()
    {
        var first = StartMaster();
        first.WriteConfig("vrrp:\n  instances: [ { name: web\ncontrol: { socket: $DIR/elsewhere.sock }\n");

        var status = first.Cli("status");
        var reload = first.Cli("reload");

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("master", status.Stdout, StringComparison.Ordinal);
        Assert.True(reload.ExitCode == 2, reload.ToString());
        Assert.Contains("invalid YAML", reload.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("the running configuration is unchanged", reload.Stderr.Trim(), StringComparison.Ordinal);
        Assert.True(Lb1.HasAddress(Vip));
    }
}
