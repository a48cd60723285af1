using System.CommandLine;
using HaDirector.Director.Configuration;
using HaDirector.Director.Control;
using HaDirector.Director.Hosting;

namespace HaDirector.Director.Cli;

/// <summary><c>hadirector run --config FILE</c>: the daemon (systemd Type=notify).</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var config = CommandTable.ConfigOption(required: false);
        var command = new Command("run", "Run the director daemon.") { config };
        command.SetAction(parse =>
        {
            if (ControlTarget.NeedsRoot("run", "it adds addresses, programs IPVS and opens raw sockets") is { } code)
            {
                return code;
            }

            HaDirector.Vrrp.Timing.TakeoverTrace.Mark("run-main");
            var path = parse.GetRequiredValue(config);
            var result = ConfigLoader.Load(path);
            HaDirector.Vrrp.Timing.TakeoverTrace.Mark("config-loaded");
            if (CheckConfigCommand.PrintErrors(result, Console.Error))
            {
                return ExitCodes.ConfigInvalid;
            }
            return DirectorHost.Run(path, result.Config!, result.Sources);
        });
        return command;
    }
}
