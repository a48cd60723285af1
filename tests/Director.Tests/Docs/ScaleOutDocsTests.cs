using System.Diagnostics;
using System.Text.RegularExpressions;
using HaDirector.Director.Configuration;
using HaDirector.Director.Tests.Configuration;

namespace HaDirector.Director.Tests.Docs;

/// <summary>
/// docs/scale-out.md's examples are what their programs accept: the director's YAML passes the loader, each BIRD block
/// BIRD's parser (<c>bird -p</c>), each FRR block FRR's (<c>vtysh --dryrun</c>, which needs no running daemon).
/// </summary>
public sealed partial class ScaleOutDocsTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(ConfigLoaderTests.RepositoryRoot(), "docs", "scale-out.md"));

    [GeneratedRegex(@"^```(?<lang>yaml|bird|frr)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Block();

    private static List<string> Blocks(string language) =>
        [.. Block().Matches(Page).Where(m => m.Groups["lang"].Value == language).Select(m => m.Groups["body"].Value)];

    [Fact]
    public void YamlExamples_PassTheLoader_TheDirectorAnnouncesWithMaglev_TheFrrOneUsesLocalRoute()
    {
        var blocks = Blocks("yaml");
        Assert.Equal(2, blocks.Count);

        var results = blocks.Select(b => ConfigLoader.LoadFromText(b, "scale-out.md")).ToList();

        Assert.All(results, r => Assert.Empty(r.Errors));
        Assert.NotNull(results[0].Config!.Announce);
        Assert.NotEmpty(results[0].Config!.VirtualServers);
        Assert.All(results[0].Config!.VirtualServers, v => Assert.Equal("mh", v.Scheduler));
        Assert.False(results[0].Config!.Announce!.LocalRoute);
        Assert.True(results[1].Config!.Announce!.LocalRoute);
    }

    [Fact]
    public void BirdExamples_DirectorAndRouter_PassBirdsParser()
    {
        var blocks = Blocks("bird");

        Assert.Equal(2, blocks.Count);
        Assert.All(blocks, b => AssertAccepted("bird", ["-p", "-c"], b));
    }

    [Fact]
    public void FrrExamples_DirectorAndRouter_PassVtyshDryRun()
    {
        var blocks = Blocks("frr");

        Assert.Equal(2, blocks.Count);
        Assert.All(blocks, b => AssertAccepted("vtysh", ["--dryrun", "-f"], b));
    }

    [Fact]
    public void Checkers_AMistake_AreRefused()
    {
        // The checks above mean something only if the checkers refuse a wrong word.
        Assert.NotEqual(0, Run("bird", ["-p", "-c"], "protocol bgp x { neighbor 198.18.1.1 as 64600; ipv4 { exprt all; }; }\n").ExitCode);
        Assert.NotEqual(0, Run("vtysh", ["--dryrun", "-f"], "router bgp 64601\n neighbor 198.18.1.1 remote-azz 64600\n").ExitCode);
    }

    private static void AssertAccepted(string program, string[] arguments, string config)
    {
        var (code, output) = Run(program, arguments, config);
        Assert.True(code == 0, $"{program} refused the example ({code}): {output}\n{config}");
    }

    private static (int ExitCode, string Output) Run(string program, string[] arguments, string config)
    {
        var file = Path.Combine(Path.GetTempPath(), $"scale-out-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, config);
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add(file);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), $"{program} did not finish");
            return (process.ExitCode, output.Result + error);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
