using System.CommandLine;
using System.Text;

namespace HaDirector.Director.Cli;

/// <summary>
/// The bash completion script, written from the command tree itself (<see cref="CommandTable"/>), so a new verb
/// or option is completed without anyone editing a second list. Plain bash (COMP_WORDS, compgen): it needs no
/// function of the bash-completion package, which only loads it.
/// </summary>
public static class BashCompletion
{
    public static string Script(RootCommand root)
    {
        var commands = new List<(string Path, Command Command, List<Option> Options)>();
        Walk(root, "hadirector", [], commands);
        var text = new StringBuilder();
        text.Append("""
            # bash completion for hadirector, written by `hadirector completion bash` from the CLI's own command table.
            _hadirector()
            {
                local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path=hadirector i words files
                # The verb path typed so far: each word that names a subcommand of the path before it.
                for ((i = 1; i < COMP_CWORD; i++)); do
                    case "$path ${COMP_WORDS[i]}" in

            """);
        var nested = commands.Skip(1).Select(c => Quote(c.Path)).ToList();
        if (nested.Count > 0)
        {
            text.Append("            ").Append(string.Join("|", nested)).Append(") path=\"$path ${COMP_WORDS[i]}\" ;;\n");
        }

        text.Append("""
                    esac
                done
                case "$path" in

            """);
        foreach (var (path, command, visible) in commands)
        {
            var words = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)
                .Concat(visible.SelectMany(Names))
                .Distinct(StringComparer.Ordinal);
            var valued = visible.Where(o => o.Arity.MaximumNumberOfValues > 0).SelectMany(Names).ToList();
            var paths = visible.Where(TakesPath).SelectMany(Names).ToList();
            text.Append("        ").Append(Quote(path)).Append(")\n");
            text.Append("            words=").Append(Quote(string.Join(' ', words))).Append('\n');
            if (valued.Count > 0)
            {
                // After an option that takes a value: a file name for the path options, nothing to offer for the others.
                text.Append("            case \"$prev\" in\n");
                if (paths.Count > 0)
                {
                    text.Append("            ").Append(string.Join("|", paths)).Append(") files=1 ;;\n");
                }

                var others = valued.Except(paths).ToList();
                if (others.Count > 0)
                {
                    text.Append("            ").Append(string.Join("|", others)).Append(") return 0 ;;\n");
                }

                text.Append("            esac\n");
            }

            text.Append("            ;;\n");
        }

        text.Append("""
                esac
                if [ -n "$files" ]; then
                    compopt -o filenames 2>/dev/null
                    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
                else
                    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
                fi
            }
            complete -F _hadirector hadirector

            """);
        return text.ToString();
    }

    /// <summary>Each command with the options it takes: its own and its ancestors' recursive ones (--help).</summary>
    private static void Walk(Command command, string path, List<Option> inherited, List<(string, Command, List<Option>)> into)
    {
        List<Option> options = [.. inherited.Where(o => !command.Options.Any(own => own.Name == o.Name)), .. command.Options.Where(o => !o.Hidden)];
        into.Add((path, command, options));
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            Walk(sub, path + " " + sub.Name, [.. options.Where(o => o.Recursive)], into);
        }
    }

    /// <summary>The option's name and its dash aliases (not the DOS-style /? and /h that System.CommandLine also accepts).</summary>
    private static IEnumerable<string> Names(Option option) => new[] { option.Name }.Concat(option.Aliases).Where(n => n.StartsWith('-'));

    /// <summary>Options whose value is a file or directory: the configuration, the socket and the state/sysctl/unit folders.</summary>
    private static bool TakesPath(Option option) =>
        option.Name is "--config" or "--socket" || option.Name.EndsWith("-dir", StringComparison.Ordinal) || option.Name.EndsWith("-file", StringComparison.Ordinal);

    private static string Quote(string text) => "\"" + text + "\"";
}
