namespace HaDirector.Director.Control;

/// <summary>
/// The running daemon's control socket, recorded under the runtime directory by its configuration path, so the CLI
/// finds the daemon by what it runs, not by what the file says now (a file being edited may be broken, or name
/// a socket nobody listens on yet).
/// </summary>
/// <param name="Pid">The daemon's process id: a record whose process is gone is stale (kill -9).</param>
public sealed record DaemonRecord(int Pid, string Socket, string Config)
{
    /// <param name="directory">Null: <see cref="RuntimeDirectory.Path"/>.</param>
    public static string PathFor(string configPath, string? directory = null) =>
        Path.Combine(directory ?? RuntimeDirectory.Path, $"daemon-{RuntimeDirectory.Key(RuntimeDirectory.Canonical(configPath))}.socket");

    /// <summary>The live daemon's record for this configuration; null when none runs with it.</summary>
    public static DaemonRecord? Find(string configPath, string? directory = null)
    {
        try
        {
            var lines = File.ReadAllLines(PathFor(configPath, directory));
            if (lines.Length >= 3 && int.TryParse(lines[0], out var pid) && Directory.Exists($"/proc/{pid}") && File.Exists(lines[1]))
            {
                return new DaemonRecord(pid, lines[1], lines[2]);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>Written whole under a temporary name and renamed, so a reader never sees half a record.</summary>
    public static void Write(string configPath, string socket, string? directory = null)
    {
        var path = PathFor(configPath, RuntimeDirectory.Ensure(directory));
        var temporary = path + $".{Environment.ProcessId}";
        File.WriteAllLines(temporary, [Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.GetFullPath(socket), RuntimeDirectory.Canonical(configPath)]);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Removes the record if it is still this process's.</summary>
    public static void Delete(string configPath, string? directory = null)
    {
        var path = PathFor(configPath, directory);
        try
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length > 0 && lines[0] == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
