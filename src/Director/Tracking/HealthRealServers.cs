using HaDirector.Director.Configuration;
using HaDirector.Director.Health;
using HaDirector.HealthCheck.Policy;

namespace HaDirector.Director.Tracking;

/// <summary>
/// Real servers up per virtual server, for virtualServer trackers: those configured, less those the health checker
/// holds down. One not checked yet counts as up, as the table serves it (so a restart does not fault the instance).
/// </summary>
public sealed class HealthRealServers(HealthService health, Func<DirectorConfig> config)
{
    public int Up(string virtualServer)
    {
        var server = config().VirtualServers.FirstOrDefault(v => v.Name == virtualServer);
        if (server is null)
        {
            return 0;
        }

        var down = health.Snapshot().Count(s => s.VirtualServer == virtualServer && s.State == HealthState.Down);
        return Math.Max(0, server.RealServers.Count - down);
    }
}
