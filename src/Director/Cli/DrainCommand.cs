using System.CommandLine;
using HaDirector.Director.Control;

namespace HaDirector.Director.Cli;

/// <summary><c>hadirector drain ADDR[:PORT] [--service S]</c> and <c>undrain</c>.</summary>
public static class DrainCommand
{
    public static Command Create() => Build("drain",
        "Give a real server weight 0 (new connections go elsewhere, established ones finish); shown in status until `undrain`.");

    public static Command CreateUndrain() => Build("undrain", "Return a drained real server to its weight.");

    private static Command Build(string verb, string description)
    {
        var socket = ControlTarget.SocketOption();
        var config = ControlTarget.ConfigOption();
        var target = new Argument<string>("ADDR[:PORT]") { Description = "The real server: an address, or address:port." };
        var service = new Option<string?>("--service") { Description = "Only in this virtual server (by name)." };
        var command = new Command(verb, description) { target, socket, config, service };
        command.SetAction((parse, _) => ControlTarget.RunAsync(parse, socket, config,
            new ControlRequest { Verb = verb, Target = parse.GetValue(target), Service = parse.GetValue(service) }));
        return command;
    }
}
