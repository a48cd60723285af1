using System.CommandLine;
using System.Diagnostics;
using HaDirector.Director.Cli;

namespace HaDirector.Director.Tests.Cli;

/// <summary>The generated script run by bash as completion runs it: COMP_WORDS in, COMPREPLY out.</summary>
public sealed class BashCompletionTests
{
    private static readonly RootCommand Root = CommandTable.Build();
    private static readonly string Script = BashCompletion.Script(Root);

    /// <summary>Every visible command of the table, as the words typed after "hadirector".</summary>
    public static TheoryData<string> Paths()
    {
        var paths = new TheoryData<string>();
        void Walk(Command command, string path)
        {
            paths.Add(path);
            foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
            {
                Walk(sub, (path + " " + sub.Name).Trim());
            }
        }

        Walk(Root, "");
        return paths;
    }

    /// <summary>What bash offers for the last word of <paramref name="line"/> (an empty last word when it ends with a space).</summary>
    private static List<string> Complete(string line)
    {
        var words = line.Split(' ');
        var start = new ProcessStartInfo("bash", ["--norc", "--noprofile", "-c",
            "eval \"$SCRIPT\"; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _hadirector; printf '%s\\n' \"${COMPREPLY[@]}\"", "bash", .. words])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SCRIPT"] = Script;
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEnd();
        var error = bash.StandardError.ReadToEnd();
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0 && error.Length == 0, $"bash exited {bash.ExitCode}: {error}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Complete_AfterEveryVerb_OffersItsSubcommandsAndEveryOption(string path)
    {
        var command = path.Length == 0 ? Root : path.Split(' ').Aggregate((Command)Root, (c, name) => c.Subcommands.Single(s => s.Name == name));
        var expected = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)
            .Concat(command.Options.Where(o => !o.Hidden).Select(o => o.Name))
            .Append("--help"); // the root's recursive help option applies to every verb

        var offered = Complete(("hadirector " + path).Trim() + " ");

        Assert.Empty(expected.Except(offered));
    }

    [Fact]
    public void Complete_TopLevel_EveryVerbOfTheCliButNotTheHiddenCompletionVerb()
    {
        var offered = Complete("hadirector ");

        Assert.Equal(["check-config", "drain", "failover", "import-keepalived", "realserver", "reload", "resume", "run", "status", "undrain"],
            offered.Where(w => !w.StartsWith('-')).Order(StringComparer.Ordinal));
        Assert.Contains("--version", offered);
    }

    [Theory]
    [InlineData("hadirector realserver u", "up")]
    [InlineData("hadirector realserver down --p", "--persist")]
    [InlineData("hadirector status --j", "--json")]
    [InlineData("hadirector run --config /etc/hadirector/hadirector.yaml --", "--config --help")]
    public void Complete_APrefix_OnlyTheWordsThatStartWithIt(string line, string expected)
    {
        var offered = Complete(line);

        Assert.Equal(expected.Split(' '), offered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Complete_AfterConfig_FileNames()
    {
        var dir = Directory.CreateTempSubdirectory("hd-complete-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "lb1.yaml"), "");

            Assert.Equal([Path.Combine(dir, "lb1.yaml")], Complete($"hadirector check-config --config {dir}/lb"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Complete_AfterAValueThatIsNoPath_NothingOffered()
    {
        Assert.Empty(Complete("hadirector realserver up --vip "));
    }
}
