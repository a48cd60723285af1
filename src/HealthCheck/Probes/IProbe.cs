using HaDirector.HealthCheck.Scheduling;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// One kind of check against one real server. Built once per target so that what can be prepared (request
/// bytes, endpoints, TLS options) is prepared once; each call connects afresh.
/// </summary>
public interface IProbe
{
    /// <summary>Never throws: a failure, a timeout (the token is cancelled) or a bug is a down result.</summary>
    ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The engine that runs this probe's rounds on its own thread (a half-open SYN), or null: the scheduler starts
    /// <see cref="ProbeAsync"/> itself. The timing rules are the scheduler's either way.
    /// </summary>
    RoundEngine? Engine => null;
}
