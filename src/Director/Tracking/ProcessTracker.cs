using System.Globalization;
using HaDirector.Director.Configuration;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Connector;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Tracking;

/// <summary>
/// keepalived's <c>track_process</c>: up while a process of that name runs, matched on <c>/proc/PID/comm</c> (the
/// kernel keeps 15 characters of the name) or, for longer names or scripts, the base name of argv[0] in
/// <c>cmdline</c>; never <c>ps</c>. /proc is read once at start; after that the kernel's process events (the proc
/// connector: fork, exec, rename, exit) keep the set of matching processes, as keepalived does. Where those events are
/// not available (not the initial network namespace, no CAP_NET_ADMIN, a test's own /proc) /proc is read every interval.
/// </summary>
public sealed class ProcessTracker(TrackerConfig config, TimeProvider time, string procRoot = ProcessTracker.RealProc)
    : Tracker(config, time, Count(procRoot, config.Process!) > 0 ? TrackerReading.Healthy : TrackerReading.Failing)
{
    public const string RealProc = "/proc";

    /// <summary>TASK_COMM_LEN − 1.</summary>
    private const int CommLength = 15;

    /// <summary>Whether this tracker follows process events (false: it reads /proc every interval).</summary>
    public bool Watching { get; private set; }

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        ProcEventMonitor? monitor = null;
        if (procRoot == RealProc)
        {
            try
            {
                monitor = ProcEventMonitor.Open();
            }
            catch (LinuxErrorException)
            {
                // Events go to the initial network namespace only, and need CAP_NET_ADMIN: read /proc instead.
            }
        }

        if (monitor is null)
        {
            await PollAsync(
                _ =>
                {
                    var count = Count(procRoot, Config.Process!);
                    Report(count > 0 ? TrackerReading.Healthy : TrackerReading.Failing, $"{count} running");
                    return Task.CompletedTask;
                },
                cancellationToken);
            return;
        }

        using (monitor)
        {
            Watching = true;

            // Subscribed before reading /proc: a process started meanwhile is in the listing, its event, or both.
            var running = Matching(procRoot, Config.Process!);
            ReportCount(running);
            try
            {
                await foreach (var e in monitor.ReadEventsAsync(cancellationToken))
                {
                    if (Apply(running, e, procRoot, Config.Process!))
                    {
                        ReportCount(running);
                    }
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException)
            {
                // The event socket failed: /proc it is, from now on.
                Watching = false;
                await PollAsync(
                    _ =>
                    {
                        ReportCount(Matching(procRoot, Config.Process!));
                        return Task.CompletedTask;
                    },
                    cancellationToken);
            }
        }
    }

    private void ReportCount(HashSet<int> running) =>
        Report(running.Count > 0 ? TrackerReading.Healthy : TrackerReading.Failing, $"{running.Count} running");

    /// <summary>Updates the set of matching processes for one event; true when it may have changed.</summary>
    internal static bool Apply(HashSet<int> running, ProcEvent e, string procRoot, string name)
    {
        if (e.Kind == ProcEventKind.Lost)
        {
            running.Clear();
            running.UnionWith(Matching(procRoot, name));
            return true;
        }

        if (e.Pid != e.Tgid)
        {
            return false; // a thread: the process is what counts
        }

        if (e.Kind == ProcEventKind.Exit)
        {
            return running.Remove(e.Tgid);
        }

        // Fork (a child runs its parent's program), exec or a rename: look at what it is now.
        var directory = Path.Combine(procRoot, e.Tgid.ToString(CultureInfo.InvariantCulture));
        return Matches(directory, name) ? running.Add(e.Tgid) : running.Remove(e.Tgid);
    }

    internal static int Count(string procRoot, string name) => Matching(procRoot, name).Count;

    private static HashSet<int> Matching(string procRoot, string name)
    {
        var running = new HashSet<int>();
        foreach (var directory in Directory.EnumerateDirectories(procRoot))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Matches(directory, name))
            {
                running.Add(pid);
            }
        }

        return running;
    }

    private static bool Matches(string directory, string name)
    {
        try
        {
            return (name.Length <= CommLength && File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd('\n') == name) || Argv0(directory) == name;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // gone between the listing (or its event) and the read
        }
    }

    private static string Argv0(string directory)
    {
        var cmdline = File.ReadAllText(Path.Combine(directory, "cmdline"));
        var end = cmdline.IndexOf('\0');
        return Path.GetFileName(end < 0 ? cmdline : cmdline[..end]);
    }
}
