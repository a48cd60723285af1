using System.Diagnostics;

namespace HaDirector.Bench.HealthCheck;

/// <summary>This process's CPU time and resident memory, from the kernel's own accounting.</summary>
internal readonly record struct ProcessStats(TimeSpan Cpu, TimeSpan Kernel, long Timestamp, long RssBytes, long PeakRssBytes)
{
    public static ProcessStats Now()
    {
        using var self = Process.GetCurrentProcess();
        var status = File.ReadAllLines("/proc/self/status");
        return new ProcessStats(self.TotalProcessorTime, self.PrivilegedProcessorTime, Stopwatch.GetTimestamp(), Kilobytes(status, "VmRSS:") * 1024, Kilobytes(status, "VmHWM:") * 1024);
    }

    /// <summary>CPU used between two samples as a percentage of one core.</summary>
    public static double CpuPercent(ProcessStats from, ProcessStats to) =>
        100 * (to.Cpu - from.Cpu).TotalSeconds / Stopwatch.GetElapsedTime(from.Timestamp, to.Timestamp).TotalSeconds;

    /// <summary>The kernel's share (syscalls, and on loopback both ends of every handshake) in percent of one core.</summary>
    public static double SystemPercent(ProcessStats from, ProcessStats to) =>
        100 * (to.Kernel - from.Kernel).TotalSeconds / Stopwatch.GetElapsedTime(from.Timestamp, to.Timestamp).TotalSeconds;

    private static long Kilobytes(string[] status, string key)
    {
        var line = status.First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
