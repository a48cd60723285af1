using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>What the last pass saw and did, and totals since start, for status and metrics.</summary>
public sealed record IpvsReconcilerStatus
{
    public static IpvsReconcilerStatus Initial { get; } = new();

    public IpvsRole Role { get; init; }

    public long Passes { get; init; }

    /// <summary>Passes that could not read the kernel table or send their batch.</summary>
    public long FailedPasses { get; init; }

    public DateTimeOffset? LastPassAt { get; init; }

    /// <summary>From the first dump request to the last ACK of the batch.</summary>
    public TimeSpan LastDuration { get; init; }

    /// <summary>Edits the last pass sent, by kind (zero kinds omitted).</summary>
    public IReadOnlyDictionary<IpvsOperationKind, int> LastOperations { get; init; } = new Dictionary<IpvsOperationKind, int>();

    public int LastFailedOperations { get; init; }

    /// <summary>Edits planned but held back because the role is still <see cref="IpvsRole.Starting"/>.</summary>
    public int PendingOperations { get; init; }

    public long TotalOperations { get; init; }

    public long TotalFailedOperations { get; init; }

    public KernelTable LastDump { get; init; } = KernelTable.Empty;

    /// <summary>Kernel services the configuration does not own: never touched, shown in status.</summary>
    public IReadOnlyList<IpvsService> UnownedServices { get; init; } = [];
}
