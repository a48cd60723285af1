using System.CommandLine;
using HaDirector.Director.Control;

namespace HaDirector.Director.Cli;

/// <summary><c>hadirector reload</c> (like SIGHUP, but the caller sees the errors).</summary>
public static class ReloadCommand
{
    public static Command Create()
    {
        var socket = ControlTarget.SocketOption();
        var config = ControlTarget.ConfigOption();
        var command = new Command("reload",
            "Re-read the daemon's configuration file: a bad file changes nothing and its errors are printed; a good one is applied as a diff.")
        {
            socket, config,
        };
        command.SetAction((parse, _) => ControlTarget.RunAsync(parse, socket, config, new ControlRequest { Verb = "reload" }));
        return command;
    }
}
