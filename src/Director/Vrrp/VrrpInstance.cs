using HaDirector.Director.Configuration;
using HaDirector.Vrrp.Election;

namespace HaDirector.Director.Vrrp;

/// <summary>One configured VRRP instance running in the daemon: its election driver and its host side.</summary>
public sealed class VrrpInstance(VrrpInstanceDriver driver, VrrpInstanceRuntime runtime) : IDisposable
{
    /// <summary>As last configured (a reload may change it in place).</summary>
    public VrrpInstanceConfig Config => Runtime.Config;

    public VrrpInstanceDriver Driver { get; } = driver;

    public VrrpInstanceRuntime Runtime { get; } = runtime;

    public void Dispose()
    {
        Driver.Dispose();
        Runtime.Dispose();
    }
}
