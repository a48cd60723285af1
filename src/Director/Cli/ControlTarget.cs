using System.CommandLine;
using HaDirector.Director.Configuration;
using HaDirector.Director.Control;

namespace HaDirector.Director.Cli;

/// <summary>
/// How a CLI verb finds its daemon: <c>--socket PATH</c>, else <c>--config FILE</c>'s control.socket, else
/// the default configuration's (if that file exists), else /run/hadirector/control.sock.
/// </summary>
public static class ControlTarget
{
    public static Option<string?> SocketOption() => new("--socket", "-s")
    {
        Description = $"The daemon's control socket (default: the configuration's control.socket, or {new ControlConfig().Socket}).",
    };

    public static Option<string?> ConfigOption() => new("--config", "-c")
    {
        Description = $"Find the daemon through this configuration file's control.socket (default {CommandTable.DefaultConfigPath}).",
    };

    /// <summary>Sends the request and prints the answer's message; returns the exit code.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Option<string?> socket, Option<string?> config, ControlRequest request,
        Func<ControlResponse, string>? render = null)
    {
        var path = Resolve(parse.GetValue(socket), parse.GetValue(config), out var error);
        if (path is null)
        {
            await Console.Error.WriteLineAsync(error);
            return ExitCodes.ConfigInvalid;
        }

        var response = await ControlClient.SendAsync(path, request, TimeSpan.FromSeconds(60));
        var text = response.ExitCode == ExitCodes.Ok && render is not null ? render(response) : response.Message;
        if (!string.IsNullOrEmpty(text))
        {
            await (response.ExitCode == ExitCodes.Ok ? Console.Out : Console.Error).WriteLineAsync(text.TrimEnd());
        }

        return response.ExitCode;
    }

    internal static string? Resolve(string? socket, string? config, out string? error)
    {
        error = null;
        if (socket is not null)
        {
            return socket;
        }

        var file = config ?? CommandTable.DefaultConfigPath;
        if (config is null && !File.Exists(file))
        {
            return new ControlConfig().Socket;
        }

        var result = ConfigLoader.Load(file);
        if (result.Config is not null)
        {
            return result.Config.Control.Socket;
        }

        // A file with errors elsewhere (say, mid-edit before `reload`) still names its socket: the daemon
        // is what reports those errors. The file is read once, and its socket taken from what was read.
        var sources = result.Sources;
        if (sources.Contains("") && !sources.Contains("control"))
        {
            return new ControlConfig().Socket;
        }

        if (sources.TextAt("control.socket") is { Length: > 0 } socketPath)
        {
            return socketPath;
        }

        error = $"{file}: cannot read control.socket from it:\n" + string.Join('\n', result.Errors.Select(e => e.ToString()));
        return null;
    }
}
