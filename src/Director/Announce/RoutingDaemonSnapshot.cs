namespace HaDirector.Director.Announce;

/// <summary>What one read of the routing daemon returned.</summary>
/// <param name="BfdNote">Why there is no BFD list (no BFD protocol configured, bfdd not running), or null.</param>
public sealed record RoutingDaemonSnapshot(IReadOnlyList<BgpSessionState> Sessions, IReadOnlyList<BfdSessionState> Bfd, string? BfdNote = null);
