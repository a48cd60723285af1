namespace HaDirector.Director.Announce;

/// <summary>One BGP session of the routing daemon as it last reported it.</summary>
/// <param name="Name">BIRD's protocol name, or FRR's neighbor address.</param>
/// <param name="State">The BGP FSM state the daemon names (<c>Established</c>, <c>Active</c>, <c>Connect</c>, <c>Idle</c>, ...).</param>
/// <param name="Info">What else the daemon says: its last error, or the prefixes sent.</param>
public sealed record BgpSessionState(string Name, string? Neighbor, string State, bool Established, string? Info);
