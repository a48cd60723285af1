using System.CommandLine;
using System.Text.Json;
using HaDirector.Director.Control;

namespace HaDirector.Director.Cli;

/// <summary><c>hadirector status [--json]</c>.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var socket = ControlTarget.SocketOption();
        var config = ControlTarget.ConfigOption();
        var json = new Option<bool>("--json") { Description = "Print the status as JSON (schema: docs/status.schema.json)." };
        var command = new Command("status", "Show VRRP instances, virtual servers and real servers with health, weight and connections.")
        {
            socket, config, json,
        };
        command.SetAction((parse, _) => ControlTarget.RunAsync(parse, socket, config, new ControlRequest { Verb = "status" },
            response => parse.GetValue(json)
                ? JsonSerializer.Serialize(response.Status!, IndentedJson.Default.StatusReport)
                : StatusFormatter.Format(response.Status!, DateTimeOffset.UtcNow)));
        return command;
    }
}
