using System.Text.RegularExpressions;
using HaDirector.Director.Ipvs;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Deploy;

/// <summary>deploy/hadirector.service as systemd reads it: no warnings, the hardening and the capability set we justify in it.</summary>
public sealed partial class ServiceUnitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hd-unit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string UnitText => File.ReadAllText(Repository.File("deploy", "hadirector.service"));

    /// <summary>Every value of a directive in the unit (a directive may be given more than once).</summary>
    private static List<string> Values(string key) =>
        UnitText.Split('\n').Where(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l[(key.Length + 1)..].Trim()).ToList();

    /// <summary>The unit with its binary pointing at the build, because verify checks that ExecStart exists.</summary>
    private string UnitAgainstBuild()
    {
        var path = Path.Combine(_dir, "hadirector.service");
        File.WriteAllText(path, UnitText.Replace("/usr/local/bin/hadirector", Binary.Path, StringComparison.Ordinal));
        return path;
    }

    [Fact]
    public void SystemdAnalyzeVerify_RepositoryUnit_NoWarnings()
    {
        var verify = Shell.Run("systemd-analyze", "verify", "--man=no", UnitAgainstBuild());

        Assert.True(verify.ExitCode == 0, verify.Stderr);
        Assert.Equal("", verify.Stderr.Trim() + verify.Stdout.Trim());
    }

    [Fact]
    public void Capabilities_OnlyNetAdminAndNetRaw_BoundingAndAmbient()
    {
        Assert.Equal([["CAP_NET_ADMIN", "CAP_NET_RAW"]], Values("CapabilityBoundingSet").Select(v => v.Split(' ').Order().ToArray()));
        Assert.Equal([["CAP_NET_ADMIN", "CAP_NET_RAW"]], Values("AmbientCapabilities").Select(v => v.Split(' ').Order().ToArray()));
    }

    [Theory]
    [InlineData("Type", "notify")]
    [InlineData("ExecStart", "/usr/local/bin/hadirector run --config /etc/hadirector/hadirector.yaml")]
    [InlineData("ExecReload", "/usr/local/bin/hadirector reload --config /etc/hadirector/hadirector.yaml")]
    [InlineData("Restart", "on-failure")]
    [InlineData("RestartPreventExitStatus", "2 5 77")]
    [InlineData("KillMode", "mixed")]
    [InlineData("NoNewPrivileges", "yes")]
    [InlineData("ProtectSystem", "strict")]
    [InlineData("ProtectHome", "yes")]
    [InlineData("PrivateTmp", "yes")]
    [InlineData("RuntimeDirectory", "hadirector")]
    [InlineData("RuntimeDirectoryMode", "0700")]
    [InlineData("StateDirectory", "hadirector")]
    [InlineData("StateDirectoryMode", "0700")]
    [InlineData("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET")]
    [InlineData("SystemCallArchitectures", "native")]
    public void Directive_HasTheDocumentedValue(string key, string value)
    {
        Assert.Equal([value], Values(key));
    }

    [Fact]
    public void ReadWritePaths_EverySysctlTheDaemonWrites_WritableUnderProtectKernelTunables()
    {
        var writable = Values("ReadWritePaths").Select(v => v.TrimStart('-')).ToList();

        Assert.Equal(["yes"], Values("ProtectKernelTunables"));
        foreach (var name in new[] { IpvsKernelParameters.ExpireNodestConn, IpvsKernelParameters.SyncThreshold })
        {
            Assert.Contains("/proc/sys/" + IpvsKernelParameters.DottedName(name).Replace('.', '/'), writable);
        }

        // Announce mode (docs/scale-out.md): sloppy_tcp/sctp, and arp_ignore/arp_announce for its VIPs on lo.
        foreach (var path in HaDirector.Director.Announce.AnnounceService.SysctlPaths)
        {
            Assert.Contains("/proc/sys/" + path, writable);
        }
    }

    [Fact]
    public void TimeoutStopSec_LongEnoughToDeleteALargeIpvsTable()
    {
        var match = SecondsPattern().Match(Values("TimeoutStopSec").Single());

        Assert.True(match.Success && int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 30);
    }

    [Fact]
    public void SystemdAnalyzeSecurity_RepositoryUnit_ExposureOkAndNoModuleLoading()
    {
        var security = Shell.Run("systemd-analyze", "security", "--offline=yes", "--no-pager", UnitAgainstBuild());

        var exposure = ExposurePattern().Match(security.Stdout);
        Assert.True(exposure.Success, security.Stdout + security.Stderr);
        Assert.True(double.Parse(exposure.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= 3.0, exposure.Value);
        Assert.Matches(@"✓ CapabilityBoundingSet=~CAP_SYS_MODULE", security.Stdout);
        Assert.Matches(@"✓ CapabilityBoundingSet=~CAP_SYS_ADMIN", security.Stdout);
    }

    [GeneratedRegex(@"^(\d+)s$")]
    private static partial Regex SecondsPattern();

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d)")]
    private static partial Regex ExposurePattern();
}
