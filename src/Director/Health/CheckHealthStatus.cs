using HaDirector.HealthCheck.Policy;

namespace HaDirector.Director.Health;

/// <summary>One check of a real server, for <c>hadirector status</c>.</summary>
/// <param name="Check">The check's label: its position in the server's list and its type (<c>1:tcp</c>).</param>
public sealed record CheckHealthStatus(
    string Check,
    HealthState State,
    bool? LastResultUp,
    string? Reason,
    TimeSpan? Latency,
    DateTimeOffset? LastChecked,
    DateTimeOffset? Since);
