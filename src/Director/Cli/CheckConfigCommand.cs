using System.CommandLine;
using HaDirector.Director.Configuration;
using HaDirector.Director.Control;
using HaDirector.Director.Kernel;

namespace HaDirector.Director.Cli;

/// <summary><c>hadirector check-config</c>: validate and print every error with file, line and field.</summary>
public static class CheckConfigCommand
{
    public static Command Create()
    {
        var config = CommandTable.ConfigOption(required: false);
        var offline = new Option<bool>("--offline")
        {
            Description = "Check only the file, not this host (interfaces, their addresses, metrics.listen): for a file meant for another host.",
        };
        var command = new Command("check-config",
            "Validate the configuration file, and what it needs from this host, and list every error with file:line:column and field.")
        {
            config, offline,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetRequiredValue(config);
            var result = ConfigLoader.Load(path);
            if (PrintErrors(result, Console.Error))
            {
                return ExitCodes.ConfigInvalid;
            }

            if (parse.GetValue(offline))
            {
                foreach (var warning in ConfigAdvice.For(result.Config!, result.Sources))
                {
                    Console.Error.WriteLine($"warning: {warning}");
                }
            }
            else
            {
                using var links = new RouteLinks();
                // The daemon already running this file holds metrics.listen: that is no error of the file.
                var running = DaemonRecord.Find(path) is not null;
                if (HostCheck.Run(result.Config!, result.Sources, links, running: null, bindMetrics: !running).WriteTo(Console.Error))
                {
                    return ExitCodes.ConfigInvalid;
                }
            }

            Console.Out.WriteLine($"{path}: OK ({result.Config!.Vrrp.Instances.Count} VRRP instance(s), {result.Config.VirtualServers.Count} virtual server(s))");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Writes each error on its own line; true when there were any.</summary>
    public static bool PrintErrors(ConfigLoadResult result, TextWriter writer)
    {
        foreach (var error in result.Errors)
        {
            writer.WriteLine(error.ToString());
        }
        if (result.Errors.Count > 0)
        {
            writer.WriteLine($"{result.Errors.Count} error(s)");
        }
        return result.Errors.Count > 0 || result.Config is null;
    }
}
