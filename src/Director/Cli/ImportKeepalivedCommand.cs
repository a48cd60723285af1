using System.CommandLine;
using HaDirector.Director.Control;
using HaDirector.Director.Import;

namespace HaDirector.Director.Cli;

/// <summary>
/// <c>hadirector import-keepalived FILE</c>: translates a keepalived.conf into a HaDirector configuration; what
/// does not carry over exactly is listed on stderr (file:line, keyword, what was done) and commented in the YAML.
/// The exit code says what the result is worth (issue 18): <see cref="Complete"/>, <see cref="WithOmissions"/> or
/// <see cref="Unusable"/>; a command line that cannot be acted on is <see cref="ExitCodes.UsageError"/> as for
/// every verb.
/// </summary>
public static class ImportKeepalivedCommand
{
    /// <summary>Everything was carried over with the same meaning (the YAML's comments may still explain how).</summary>
    public const int Complete = ExitCodes.Ok;

    /// <summary>The YAML was written and passes check-config, but what the warnings list was not carried over.</summary>
    public const int WithOmissions = 1;

    /// <summary>No YAML: the keepalived.conf cannot be used (the errors say where), or the output could not be written.</summary>
    public const int Unusable = ExitCodes.ConfigInvalid;

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The keepalived.conf to translate (its includes are followed)." };
        var output = new Option<string?>("--output", "-o") { Description = "Write the YAML to this file instead of stdout (refused if it exists, unless --force)." };
        var force = new Option<bool>("--force") { Description = "Overwrite the --output file." };
        var host = new Option<string?>("--host")
        {
            Description = "The keepalived config id for '@ID' lines (default: this machine's host name up to the first dot, as keepalived).",
        };
        var command = new Command("import-keepalived",
            "Translate a keepalived.conf (includes, $definitions, @host lines) into a HaDirector configuration; list what does not carry over exactly.")
        {
            file, output, force, host,
        };
        command.SetAction(parse => Run(parse.GetRequiredValue(file), parse.GetValue(output), parse.GetValue(force),
            parse.GetValue(host) ?? KeepalivedReader.DefaultConfigId(Environment.MachineName), new FileSystemIncludeResolver(), Console.Out, Console.Error));
        return command;
    }

    /// <summary>The verb without the console, for tests: returns the exit code.</summary>
    public static int Run(string file, string? output, bool force, string configId, IIncludeResolver resolver, TextWriter stdout, TextWriter stderr)
    {
        if (output is not null && File.Exists(output) && !force)
        {
            stderr.WriteLine($"hadirector: {output} exists; give --force to overwrite it");
            return ExitCodes.UsageError;
        }
        if (resolver.ReadText(file) is null)
        {
            stderr.WriteLine($"hadirector: cannot read {file}{(Directory.Exists(file) ? ": it is a directory" : "")}");
            return ExitCodes.UsageError;
        }

        var read = KeepalivedReader.Read(file, resolver, configId);
        var result = KeepalivedImporter.Import(read, file);
        foreach (var error in result.Errors)
        {
            stderr.WriteLine($"error: {error}");
        }
        foreach (var warning in result.Warnings)
        {
            stderr.WriteLine($"warning: {warning}");
        }
        if (result.Yaml is null)
        {
            stderr.WriteLine($"{file}: not imported: {result.Errors.Count} error(s)");
            return Unusable;
        }

        if (output is null)
        {
            stdout.Write(result.Yaml);
        }
        else
        {
            try
            {
                File.WriteAllText(output, result.Yaml);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"error: cannot write {output}: {e.Message}");
                stderr.WriteLine($"{file}: not imported: {output} not written");
                return Unusable;
            }
        }
        var into = output is null ? "" : $" into {output}";
        if (result.Warnings.Count == 0)
        {
            stderr.WriteLine($"{file}: imported completely{into}; review it, then run hadirector check-config");
            return Complete;
        }
        stderr.WriteLine($"{file}: imported{into} with {result.Warnings.Count} omission(s), each listed above as a warning; review it, then run hadirector check-config");
        return WithOmissions;
    }
}
