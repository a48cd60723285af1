namespace HaDirector.Director.Announce;

/// <summary>What <c>failover</c> or <c>resume</c> did to the announced VIPs, and whether it will survive a restart.</summary>
/// <param name="Vips">The VIPs it concerned, each with its verdict now.</param>
/// <param name="NotKept">Null: written to the state file; else why not (a restart would forget it).</param>
public sealed record MaintenanceResult(IReadOnlyList<AnnouncementDecision> Vips, string? NotKept);
