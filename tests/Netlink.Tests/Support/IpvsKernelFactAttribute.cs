using System.Diagnostics;

namespace HaDirector.Netlink.Tests.Support;

/// <summary>
/// A test that needs a kernel with IPVS (the test VM). Skipped, with the reason shown, where there is
/// none, like on the development host. Loads ip_vs first when the kernel has it as a module, because
/// the generic netlink controller does not load it on demand.
/// </summary>
public sealed class IpvsKernelFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Available = new(Probe);

    public IpvsKernelFactAttribute()
    {
        if (!Available.Value)
        {
            Skip = "the kernel has no IPVS: these run in the test VM (tests/vm/run-kernel-tests)";
        }
    }

    public static bool IsAvailable => Available.Value;

    private static bool Probe()
    {
        if (File.Exists("/proc/net/ip_vs"))
        {
            return true;
        }

        try
        {
            using var modprobe = Process.Start(new ProcessStartInfo("modprobe", "-q ip_vs") { RedirectStandardError = true });
            modprobe?.WaitForExit(10_000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // no modprobe: treat as no IPVS
        }

        return File.Exists("/proc/net/ip_vs");
    }
}
