using HaDirector.Director.Announce;

namespace HaDirector.Director.Control;

/// <summary>
/// The routing daemon's sessions as last read (<c>announce.routingDaemon</c>): whether it answered, and each BGP and BFD
/// session. A cached reading: <see cref="ReadAt"/> says how old (null: not read yet).
/// </summary>
/// <param name="Type"><c>bird</c> or <c>frr</c>.</param>
/// <param name="Socket">BIRD's control socket, or vtysh's socket directory (null: vtysh's default).</param>
/// <param name="Error">Why the last read failed (then the lists are empty), or null.</param>
/// <param name="BfdNote">Why there is no BFD list (BIRD: no BFD protocol; FRR: bfdd not running), or null.</param>
public sealed record RoutingDaemonStatus(string Type, string? Socket, bool Reachable, string? Error, DateTimeOffset? ReadAt,
    IReadOnlyList<BgpSessionState> Sessions, IReadOnlyList<BfdSessionState> Bfd, string? BfdNote);
