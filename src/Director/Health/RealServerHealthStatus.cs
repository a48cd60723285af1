using HaDirector.Director.Ipvs;
using HaDirector.HealthCheck.Policy;

namespace HaDirector.Director.Health;

/// <summary>One real server's health for <c>hadirector status</c> and metrics.</summary>
/// <param name="Weight">What IPVS is asked for now: configured, reported, or 0 (inhibited or removed).</param>
/// <param name="Verdict">What was last handed to the sink; null: the configured weight.</param>
/// <param name="Since">When the current state began; null while not checked yet.</param>
/// <param name="Checks">Each check of the server (one for the service's check); the fields above add them up.</param>
public sealed record RealServerHealthStatus(
    string VirtualServer,
    RealServerId Id,
    HealthState State,
    int Weight,
    RealServerHealth? Verdict,
    bool? LastResultUp,
    string? Reason,
    TimeSpan? Latency,
    DateTimeOffset? LastChecked,
    DateTimeOffset? Since,
    long Flaps,
    IReadOnlyList<CheckHealthStatus> Checks);
