using System.Diagnostics;

namespace HaDirector.Director.Kernel;

/// <summary>Loads modules with the system's modprobe (module dependencies and options are its job, not ours).</summary>
public sealed class Modprobe : IKernelModules
{
    private static readonly string[] ModprobePaths = ["/usr/sbin/modprobe", "/sbin/modprobe"];

    public void Load(string module)
    {
        var modprobe = ModprobePaths.FirstOrDefault(File.Exists);
        if (modprobe is null)
        {
            return;
        }

        using var process = Process.Start(new ProcessStartInfo(modprobe, [module])
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
