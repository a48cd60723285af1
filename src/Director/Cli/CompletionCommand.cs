using System.CommandLine;

namespace HaDirector.Director.Cli;

/// <summary>
/// <c>hadirector completion bash</c> (hidden): prints the bash completion script made from this very command
/// tree. The Debian package runs it at build time into /usr/share/bash-completion/completions/hadirector.
/// </summary>
public static class CompletionCommand
{
    public static Command Create(RootCommand root)
    {
        var bash = new Command("bash", "Print the bash completion script.");
        bash.SetAction(_ =>
        {
            Console.Out.Write(BashCompletion.Script(root));
            return 0;
        });
        return new Command("completion", "Print a shell completion script (bash).") { Hidden = true, Subcommands = { bash } };
    }
}
