using System.CommandLine;

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

    public static Option<string> ConfigOption(bool required) => new("--config", "-c")
    {
        Description = $"The configuration file (default {DefaultConfigPath}).",
        DefaultValueFactory = _ => DefaultConfigPath,
        Required = required,
    };
}
