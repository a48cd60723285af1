using System.Globalization;
using HaDirector.Director.Configuration;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Tracking;

/// <summary>
/// keepalived's <c>track_file</c>: the file holds an integer. Watched with inotify (<see cref="FileSystemWatcher"/> on its
/// directory, as keepalived watches it), so a write reaches the election at once; read every interval only while its
/// directory does not exist (nothing to watch yet). A missing file reads as 0 (nothing to say); one that does not hold
/// an integer is a failure; an empty one reads as 0 too.
/// </summary>
public sealed class FileTracker(TrackerConfig config, TimeProvider time) : Tracker(config, time, Read(config.Path!).Reading)
{
    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        using var wake = new SemaphoreSlim(0, 1);
        FileSystemWatcher? watcher = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Watch before reading: a write between the two is then both read and signalled, never lost.
                watcher ??= Watch(Config.Path!, wake);
                var (reading, detail) = Read(Config.Path!);
                Report(reading, detail);
                if (watcher is null)
                {
                    await Task.Delay(Config.Interval, Time, cancellationToken);
                }
                else
                {
                    await wake.WaitAsync(cancellationToken);
                    if (!Directory.Exists(Path.GetDirectoryName(Config.Path!)))
                    {
                        watcher.Dispose();
                        watcher = null;
                    }
                }
            }
        }
        finally
        {
            watcher?.Dispose();
        }
    }

    /// <summary>An inotify watch on the file's directory for that name, or null while the directory does not exist.</summary>
    private static FileSystemWatcher? Watch(string path, SemaphoreSlim wake)
    {
        var directory = Path.GetDirectoryName(path);
        if (directory is null || !Directory.Exists(directory))
        {
            return null;
        }

        void Wake()
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // A read is already due: it will see this change too.
            }
        }

        var watcher = new FileSystemWatcher(directory, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        watcher.Changed += (_, _) => Wake();
        watcher.Created += (_, _) => Wake();
        watcher.Deleted += (_, _) => Wake();
        watcher.Renamed += (_, _) => Wake();
        watcher.Error += (_, _) => Wake(); // overflow or the directory gone: read again (and re-watch if need be)
        try
        {
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // Removed meanwhile, or no inotify watches left (fs.inotify.max_user_watches): poll instead.
            watcher.Dispose();
            return null;
        }

        return watcher;
    }

    internal static (TrackerReading Reading, string Detail) Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (TrackerReading.Holding(0), "no file: 0");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (TrackerReading.Failing, e.Message);
        }

        if (text.Length == 0)
        {
            // Also what a watcher can see between a writer's open (O_TRUNC) and its write: not a failure.
            return (TrackerReading.Holding(0), "empty: 0");
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? (TrackerReading.Holding(value), $"value {value}")
            : (TrackerReading.Failing, $"not an integer: '{(text.Length > 20 ? text[..20] + "..." : text)}'");
    }
}
