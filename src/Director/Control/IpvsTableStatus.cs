namespace HaDirector.Director.Control;

/// <summary>The reconciler's health: how its passes went.</summary>
/// <param name="InUse">False when the configuration has no virtual servers (the kernel is not asked).</param>
public sealed record IpvsTableStatus(
    bool InUse,
    string Role,
    long Passes,
    long FailedPasses,
    DateTimeOffset? LastPassAt,
    double LastPassMs,
    int PendingOperations,
    long TotalOperations,
    long TotalFailedOperations,
    string? Error);
