using System.CommandLine;
using HaDirector.Director.Cli;
using HaDirector.Director.Control;

namespace HaDirector.Director.Tests.Cli;

/// <summary>
/// A command line the parser refuses exits 64 (EX_USAGE) whatever the verb, never 1: 1 is a verb's own answer
/// (import-keepalived "imported with omissions", failover "still master"), which a script must be able to trust.
/// One case per kind of verb: the daemon itself, offline checks, the verbs that talk to the daemon, the local setup, the
/// importer, and the bare command.
/// </summary>
public sealed class CommandTableTests
{
    public static TheoryData<string[]> UsageErrors() => new()
    {
        { ["run", "--bogus"] },                                 // unknown option: the daemon
        { ["check-config", "--config"] },                       // option without its value: offline check
        { ["check-config", "--offline=maybe"] },                // a value of the wrong type
        { ["status", "--jsno"] },                               // a verb that talks to the daemon
        { ["failover", "--instance"] },
        { ["drain"] },                                          // missing argument
        { ["reload", "extra"] },                                // an argument nobody takes
        { ["realserver", "sideways", "--vip", "198.18.0.1"] },  // unknown subverb
        { ["import-keepalived"] },                              // no FILE
        { ["import-keepalived", "k.conf", "--force=maybe"] },
        { ["import-keepalived", "k.conf", "--output"] },
        { ["nosuchverb"] },
        { [] },                                                 // no verb at all
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void Invoke_CommandLineTheParserRefuses_ExitsUsageErrorWithMessageAndUsageOnStderr(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = CommandTable.Invoke(args, new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(ExitCodes.UsageError, exit);
        // What was wrong and how to write it, on stderr: stdout may be redirected into a file (import-keepalived > out.yaml).
        Assert.Contains("Usage:", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("--version")]
    public void Invoke_HelpOrVersion_ExitsZero(string option)
    {
        using var output = new StringWriter();

        var exit = CommandTable.Invoke([option], new InvocationConfiguration { Output = output, Error = TextWriter.Null });

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.NotEqual("", output.ToString().Trim());
    }
}
