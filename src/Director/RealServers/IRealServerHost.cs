using System.Net;

namespace HaDirector.Director.RealServers;

/// <summary>The only part of <c>realserver</c> that touches the kernel: /proc/sys and lo's addresses.</summary>
public interface IRealServerHost
{
    /// <summary>The current values of <see cref="RealServerSysctls.Desired"/> and where IPv4 addresses are.</summary>
    RealServerObservation Observe();

    void WriteSysctl(SysctlSetting setting);

    /// <summary>Adds <paramref name="vip"/>/32 to lo; false if it was already there.</summary>
    bool AddLoopbackVip(IPAddress vip);

    /// <summary>Deletes <paramref name="vip"/>/32 from lo; false if it was not there.</summary>
    bool DeleteLoopbackVip(IPAddress vip);
}
