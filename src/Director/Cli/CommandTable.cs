using System.CommandLine;
using System.CommandLine.Invocation;
using HaDirector.Director.Control;

namespace HaDirector.Director.Cli;

/// <summary>Every verb of the CLI in one table (DESIGN.md §4).</summary>
public static class CommandTable
{
    public const string DefaultConfigPath = "/etc/hadirector/hadirector.yaml";

    public static RootCommand Build()
    {
        var root = new RootCommand("HaDirector: a high-availability LVS-DR director (VRRP + IPVS + health checks).");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(CheckConfigCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(FailoverCommand.Create());
        root.Subcommands.Add(FailoverCommand.CreateResume());
        root.Subcommands.Add(DrainCommand.Create());
        root.Subcommands.Add(DrainCommand.CreateUndrain());
        root.Subcommands.Add(ReloadCommand.Create());
        root.Subcommands.Add(RealServerCommand.Create());
        root.Subcommands.Add(ImportKeepalivedCommand.Create());
        root.Subcommands.Add(CompletionCommand.Create(root));
        return root;
    }

    /// <summary>
    /// Parses and runs one command line. A line the parser refuses (an unknown verb or option, a missing argument or
    /// option value, a value of the wrong type) exits <see cref="ExitCodes.UsageError"/> for every verb, after the
    /// parser's message and the usage text, both on stderr: System.CommandLine's own 1 would read as a verb's documented
    /// 1 (import-keepalived: "imported with omissions"; failover: "no new master, still master"), and its usage text on
    /// stdout would land in the file a verb's output is redirected to (import-keepalived ... &gt; out.yaml).
    /// </summary>
    public static int Invoke(string[] args, InvocationConfiguration? configuration = null)
    {
        var parse = Build().Parse(args);
        if (parse.Action is not ParseErrorAction)
        {
            return parse.Invoke(configuration);
        }
        var error = configuration?.Error ?? Console.Error;
        parse.Invoke(new InvocationConfiguration { Output = error, Error = error });
        return ExitCodes.UsageError;
    }

    public static Option<string> ConfigOption(bool required) => new("--config", "-c")
    {
        Description = $"The configuration file (default {DefaultConfigPath}).",
        DefaultValueFactory = _ => DefaultConfigPath,
        Required = required,
    };
}
