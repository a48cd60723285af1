using HaDirector.Director.Configuration;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.Director.Health;

/// <summary>Knobs of <see cref="HealthService"/> that are not in the configuration file.</summary>
public sealed record HealthServiceOptions
{
    /// <summary>
    /// Probes in flight at once. Async I/O, so this bounds sockets, not threads; enough for every target of
    /// a large table to be waiting on a timeout at the same time without delaying the others much.
    /// </summary>
    public int MaxConcurrency { get; init; } = 2048;

    /// <summary>Spreads first checks; seeded in tests.</summary>
    public Random? Random { get; init; }

    /// <summary>Tests replace probes here; null: the service's own <see cref="Health.ProbeFactory"/>, which it owns and disposes.</summary>
    public Func<HealthCheckConfig, RealServerConfig, IProbe?>? ProbeFactory { get; init; }

    /// <summary>
    /// Told after a real server's state changed (virtual server name, real server, new state), on the checking thread:
    /// must not block (the per-real-server notify hooks queue their commands).
    /// </summary>
    public Action<string, RealServerConfig, HealthState>? StateChanged { get; init; }
}
