using System.Globalization;
using System.Text.RegularExpressions;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Faults;

/// <summary>
/// Issue 17 §4, the short version of bench/faults/reload-mutants (10,000 there): 300 mutated configuration files, each
/// reloaded into a running director of a pair. Every one is answered; a rejected one with errors naming the file and
/// line and the daemon's status as it was; an accepted one is followed by the original and the status comes back; the
/// peer hears the adverts all along with no transition while only rejected files come.
/// </summary>
public sealed partial class ReloadMutantsTests
{
    [Fact]
    public void Reload_ThreeHundredMutatedFiles_NeverACrash_RejectedWithFileAndLine_DaemonUnchanged()
    {
        var script = Path.Combine(Binary.RepositoryRoot(), "bench", "faults", "reload-mutants");

        var result = Shell.RunWithTimeout(TimeSpan.FromMinutes(5), "env", $"HADIRECTOR_BIN={Binary.Path}", "PYTHONDONTWRITEBYTECODE=1", script, "--count", "300", "--seed", "7");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var summary = Summary().Match(result.Stdout);
        Assert.True(summary.Success, result.Stdout);
        var rejected = int.Parse(summary.Groups["rejected"].Value, CultureInfo.InvariantCulture);
        Assert.True(rejected >= 150, $"most mutants are bad files, so the run tested rejections: {result.Stdout}");
        Assert.Contains("breaks: 0", result.Stdout, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"mutants: 300 of 300; accepted (?<accepted>\d+) .*; rejected (?<rejected>\d+):")]
    private static partial Regex Summary();
}
