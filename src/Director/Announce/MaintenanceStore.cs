using System.Globalization;
using System.Net;
using System.Text;

namespace HaDirector.Director.Announce;

/// <summary>
/// Keeps <c>failover</c>'s maintenance across a restart of the daemon, so a restarted director that was drained does
/// not announce again (docs/scale-out.md): a small text file in the state directory, written whole (a temporary file
/// renamed over it) on every <c>failover</c> and <c>resume</c>, removed when nothing is held. It is on disk, not under
/// /run: a director drained for maintenance stays drained across the reboot the maintenance often is, until
/// <c>hadirector resume</c>.
/// </summary>
/// <remarks>
/// The format is one line per hold, <c>director</c> or <c>vip ADDRESS</c>, after a comment; people may read it. A file
/// that cannot be read, or a line that is none of these, counts as the whole director held: not knowing whether
/// the operator drained this director, staying out is the side that fails safe (the others carry the traffic), and
/// status says why.
/// </remarks>
public sealed class MaintenanceStore(string path)
{
    private const string Header = "# hadirector: announced VIPs withdrawn by `hadirector failover` until `hadirector resume` (kept across restarts and reboots)";

    public string Path { get; } = path;

    /// <summary>The held state; <paramref name="problem"/> says why a file that exists could not be read as written.</summary>
    public MaintenanceState Load(out string? problem)
    {
        problem = null;
        string[] lines;
        try
        {
            if (!File.Exists(Path))
            {
                return MaintenanceState.None;
            }

            lines = File.ReadAllLines(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot read {Path}: {ex.Message}";
            return new MaintenanceState(true, new HashSet<IPAddress>());
        }

        var director = false;
        var vips = new HashSet<IPAddress>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line == "director")
            {
                director = true;
            }
            else if (line.StartsWith("vip ", StringComparison.Ordinal) && IPAddress.TryParse(line.AsSpan(4).Trim(), out var vip))
            {
                vips.Add(vip);
            }
            else
            {
                problem ??= $"{Path}: cannot read '{BirdReply.Shorten(line)}'";
                director = true;
            }
        }

        return new MaintenanceState(director, vips);
    }

    /// <summary>Writes <paramref name="state"/> (removes the file when nothing is held); null, or why it could not.</summary>
    public string? Save(MaintenanceState state)
    {
        try
        {
            if (state.IsNone)
            {
                File.Delete(Path);
                return null;
            }

            var directory = System.IO.Path.GetDirectoryName(Path);
            if (OperatingSystem.IsLinux() && !string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var text = new StringBuilder().AppendLine(Header);
            if (state.Director)
            {
                text.AppendLine("director");
            }

            foreach (var vip in state.Vips.OrderBy(v => v.ToString(), StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"vip {vip}");
            }

            // Whole or not at all: a crash while writing leaves the old file, never half of a new one.
            var temporary = Path + ".tmp";
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(Encoding.UTF8.GetBytes(text.ToString()));
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {Path}: {ex.Message}";
        }
    }
}
