using System.Diagnostics;

namespace HaDirector.Director.Ipvs;

/// <summary>Loads ip_vs with the system's modprobe (module dependencies and options are its job, not ours).</summary>
public static class KernelModule
{
    private static readonly string[] ModprobePaths = ["/usr/sbin/modprobe", "/sbin/modprobe"];

    /// <summary>Best effort: failures surface as the family lookup's own error that follows.</summary>
    public static void LoadIpvs()
    {
        var modprobe = ModprobePaths.FirstOrDefault(File.Exists);
        if (modprobe is null)
        {
            return;
        }

        using var process = Process.Start(new ProcessStartInfo(modprobe, ["ip_vs"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        });
        if (process is null)
        {
            return;
        }

        process.StandardError.ReadToEnd();
        process.WaitForExit(TimeSpan.FromSeconds(10));
    }
}
