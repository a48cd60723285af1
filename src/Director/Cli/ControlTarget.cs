using System.CommandLine;
using HaDirector.Director.Configuration;
using HaDirector.Director.Control;

namespace HaDirector.Director.Cli;

/// <summary>
/// How a CLI verb finds its daemon: <c>--socket PATH</c>; else the running daemon's own record of its socket, by
/// configuration path (<see cref="DaemonRecord"/>); else /run/hadirector/control.sock if it exists; only then the
/// file's control.socket. So a file being edited, broken or naming a socket that nobody listens on yet, never
/// stops the CLI from reaching the daemon that runs it.
/// </summary>
public static class ControlTarget
{
    public static Option<string?> SocketOption() => new("--socket", "-s")
    {
        Description = $"The daemon's control socket (default: the one the daemon running --config recorded, or {new ControlConfig().Socket}).",
    };

    public static Option<string?> ConfigOption() => new("--config", "-c")
    {
        Description = $"Find the daemon that runs this configuration file (default {CommandTable.DefaultConfigPath}).",
    };

    /// <summary>The exit code and a one-line reason when this process is not root; null when it is.</summary>
    public static int? NeedsRoot(string verb, string why)
    {
        if (Environment.IsPrivilegedProcess)
        {
            return null;
        }

        Console.Error.WriteLine($"hadirector {verb} needs root: {why}");
        return ExitCodes.NotPermitted;
    }

    /// <summary>Sends the request and prints the answer's message; returns the exit code.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Option<string?> socket, Option<string?> config, ControlRequest request,
        Func<ControlResponse, string>? render = null)
    {
        if (NeedsRoot(request.Verb, "the control socket answers root only") is { } code)
        {
            return code;
        }

        var path = Resolve(parse.GetValue(socket), parse.GetValue(config), out var error);
        if (path is null)
        {
            await Console.Error.WriteLineAsync(error);
            return error!.Contains("is a directory", StringComparison.Ordinal) ? ExitCodes.UsageError : ExitCodes.DaemonUnreachable;
        }

        var response = await ControlClient.SendAsync(path, request, TimeSpan.FromSeconds(60));
        var text = response.ExitCode == ExitCodes.Ok && render is not null ? render(response) : response.Message;
        if (!string.IsNullOrEmpty(text))
        {
            await (response.ExitCode == ExitCodes.Ok ? Console.Out : Console.Error).WriteLineAsync(text.TrimEnd());
        }

        return response.ExitCode;
    }

    /// <param name="runtimeDirectory">Null: <see cref="RuntimeDirectory.Path"/>.</param>
    /// <param name="defaultSocket">Null: <see cref="ControlConfig"/>'s default.</param>
    internal static string? Resolve(string? socket, string? config, out string? error, string? runtimeDirectory = null, string? defaultSocket = null)
    {
        error = null;
        if (socket is not null)
        {
            return socket;
        }

        var file = config ?? CommandTable.DefaultConfigPath;
        if (Directory.Exists(file))
        {
            error = $"--config {file} is a directory; give the daemon's configuration file";
            return null;
        }

        if (DaemonRecord.Find(file, runtimeDirectory) is { } running)
        {
            return running.Socket;
        }

        defaultSocket ??= new ControlConfig().Socket;
        if (File.Exists(defaultSocket) || (config is null && !File.Exists(file)))
        {
            return defaultSocket;
        }

        // No daemon recorded for this file (one older than the record, or none at all): the file's own word.
        var result = ConfigLoader.Load(file);
        if (result.Config is not null)
        {
            return result.Config.Control.Socket;
        }

        var sources = result.Sources;
        if (sources.TextAt("control.socket") is { Length: > 0 } socketPath)
        {
            return socketPath;
        }

        if (sources.Contains("") && !sources.Contains("control"))
        {
            return defaultSocket;
        }

        error = $"no hadirector runs {file} (no record in {runtimeDirectory ?? RuntimeDirectory.Path}), {defaultSocket} does not exist, "
            + $"and the file names no control.socket:\n" + string.Join('\n', result.Errors.Select(e => e.ToString()));
        return null;
    }
}
