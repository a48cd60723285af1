using System.CommandLine;
using System.Text.RegularExpressions;
using HaDirector.Director.Cli;
using HaDirector.Director.Configuration;
using HaDirector.Director.Tests.Configuration;

namespace HaDirector.Director.Tests.Docs;

/// <summary>
/// Keeps the documentation honest: every <c>hadirector ...</c> command shown in docs/*.md and README.md uses
/// verbs and options the CLI has (<see cref="CommandTable"/>), and every <c>yaml</c> example of
/// docs/configuration.md passes the configuration loader, as <c>check-config</c> would say.
/// </summary>
public sealed partial class DocsTests
{
    private static readonly string Root = ConfigLoaderTests.RepositoryRoot();

    public static TheoryData<string> Pages() =>
        [.. Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Append(Path.Combine(Root, "README.md")).Select(p => Path.GetRelativePath(Root, p)).Order()];

    [Theory]
    [MemberData(nameof(Pages))]
    public void Commands_EveryOneShownOnThePage_UsesVerbsAndOptionsTheCliHas(string page)
    {
        var root = CommandTable.Build();

        var wrong = Commands(File.ReadAllText(Path.Combine(Root, page)))
            .Select(c => (Command: c, Error: Check(root, c)))
            .Where(c => c.Error is not null)
            .Select(c => $"{page}: `{c.Command}`: {c.Error}")
            .ToList();

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Commands_OfThePages_FoundInCodeBlocksAndInlineCode()
    {
        var found = Commands("""
            Run `hadirector status
            --json` or:

            ```
            $ hadirector check-config --config lb1.yaml
            lb1.yaml: OK
            hadirector realserver up --vip 10.0.0.1
            ```
            hadirector_build_info is a metric, hadirector alone a word.
            """);

        Assert.Equal(["hadirector status --json", "hadirector check-config --config lb1.yaml", "hadirector realserver up --vip 10.0.0.1"], found);
    }

    [Theory]
    [InlineData("hadirector stauts", "no verb 'stauts'")]
    [InlineData("hadirector drain 10.0.0.1 --servce web", "'drain' has no option --servce")]
    [InlineData("hadirector realserver upp --vip 10.0.0.1", "no verb 'realserver upp'")]
    [InlineData("hadirector run --json", "'run' has no option --json")]
    public void Check_AWrongCommand_SaysWhatIsWrong(string command, string error)
    {
        Assert.Equal(error, Check(CommandTable.Build(), command));
    }

    [Theory]
    [InlineData("hadirector --version")]
    [InlineData("hadirector VERB --help")]
    [InlineData("hadirector realserver up|down")]
    [InlineData("hadirector realserver down [--vip 10.19.166.88 ...] [--persist]")]
    [InlineData("hadirector drain ADDR[:PORT] [--service S]")]
    public void Check_ACommandAsTheDocsWriteIt_Accepted(string command)
    {
        Assert.Null(Check(CommandTable.Build(), command));
    }

    [Fact]
    public void YamlExamples_OfTheConfigurationPage_EachPassesTheLoader()
    {
        var page = File.ReadAllText(Path.Combine(Root, "docs", "configuration.md"));
        var blocks = YamlBlock().Matches(page).Select(m => m.Groups["body"].Value).ToList();

        Assert.NotEmpty(blocks);
        foreach (var (yaml, index) in blocks.Select((b, i) => (b, i + 1)))
        {
            var result = ConfigLoader.LoadFromText(yaml, $"configuration.md yaml block {index}");
            Assert.True(result.Config is not null && result.Errors.Count == 0,
                string.Join("\n", result.Errors.Select(e => e.ToString())) + "\n" + yaml);
        }
    }

    /// <summary>Command lines: lines of fenced blocks and inline code spans that start with <c>hadirector </c>.</summary>
    private static List<string> Commands(string markdown)
    {
        var commands = new List<string>();
        var prose = new System.Text.StringBuilder();
        var inBlock = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock;
                continue;
            }

            if (inBlock)
            {
                var text = line.Trim().TrimStart('$', '#').Trim();
                if (text.StartsWith("hadirector ", StringComparison.Ordinal))
                {
                    commands.Add(text);
                }
            }
            else
            {
                prose.Append(line).Append('\n');
            }
        }

        // An inline code span may wrap onto the next line.
        commands.InsertRange(0, InlineCommand().Matches(prose.ToString()).Select(m => Regex.Replace(m.Groups["command"].Value, @"\s+", " ").Trim()));
        return commands;
    }

    /// <summary>Null when every verb and option of <paramref name="command"/> exists; else what does not.</summary>
    private static string? Check(RootCommand root, string command)
    {
        IReadOnlyList<Command> current = [root];
        var path = "";
        var verbExpected = true;
        foreach (var raw in command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var token = raw.Trim('[', ']', '(', ')', ',', '.', ';');
            if (token.Length == 0 || token.StartsWith("...", StringComparison.Ordinal))
            {
                continue;
            }

            if (token.StartsWith('-'))
            {
                var name = token.Split('=')[0];
                if (!current.Any(c => HasOption(c, name, root)))
                {
                    return $"'{path}' has no option {name}";
                }

                continue;
            }

            var alternatives = token.Split('|');
            var isPlaceholder = token.All(c => char.IsUpper(c) || c == '_');
            if (current.All(c => c.Subcommands.Count == 0) || isPlaceholder)
            {
                // An argument (an address, a file, a placeholder such as ADDR or VERB): nothing to check.
                verbExpected = false;
                continue;
            }

            if (!verbExpected)
            {
                continue;
            }

            var next = alternatives.Select(a => current.SelectMany(c => c.Subcommands).FirstOrDefault(s => s.Name == a)).ToList();
            if (next.Any(n => n is null))
            {
                return $"no verb '{(path + " " + token).Trim()}'";
            }

            current = next!;
            path = (path + " " + string.Join("|", alternatives)).Trim();
        }

        return null;
    }

    private static bool HasOption(Command command, string name, RootCommand root) =>
        command.Options.Any(o => o.Name == name || o.Aliases.Contains(name))
        || root.Options.Any(o => o.Recursive && (o.Name == name || o.Aliases.Contains(name)))
        || (command == root && root.Options.Any(o => o.Name == name || o.Aliases.Contains(name)));

    [GeneratedRegex(@"`(?<command>hadirector [^`]+)`")]
    private static partial Regex InlineCommand();

    [GeneratedRegex(@"```yaml\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
