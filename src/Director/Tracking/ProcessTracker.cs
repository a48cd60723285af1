using HaDirector.Director.Configuration;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Tracking;

/// <summary>
/// keepalived's <c>track_process</c>: up while a process of that name runs. Reads <c>/proc/PID/comm</c> (the kernel
/// keeps 15 characters of the name) and, for longer names or scripts, the base name of argv[0] in <c>cmdline</c>;
/// every interval, no <c>ps</c>.
/// </summary>
public sealed class ProcessTracker(TrackerConfig config, TimeProvider time, string procRoot = "/proc")
    : Tracker(config, time, Count(procRoot, config.Process!) > 0 ? TrackerReading.Healthy : TrackerReading.Failing)
{
    /// <summary>TASK_COMM_LEN − 1.</summary>
    private const int CommLength = 15;

    protected override Task RunAsync(CancellationToken cancellationToken) =>
        PollAsync(
            _ =>
            {
                var count = Count(procRoot, Config.Process!);
                Report(count > 0 ? TrackerReading.Healthy : TrackerReading.Failing, $"{count} running");
                return Task.CompletedTask;
            },
            cancellationToken);

    internal static int Count(string procRoot, string name)
    {
        var count = 0;
        foreach (var directory in Directory.EnumerateDirectories(procRoot))
        {
            var pid = Path.GetFileName(directory);
            if (pid.Length == 0 || !char.IsAsciiDigit(pid[0]))
            {
                continue;
            }

            try
            {
                if ((name.Length <= CommLength && File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd('\n') == name) || Argv0(directory) == name)
                {
                    count++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone between the listing and the read.
            }
        }

        return count;
    }

    private static string Argv0(string directory)
    {
        var cmdline = File.ReadAllText(Path.Combine(directory, "cmdline"));
        var end = cmdline.IndexOf('\0');
        return Path.GetFileName(end < 0 ? cmdline : cmdline[..end]);
    }
}
