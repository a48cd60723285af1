namespace HaDirector.Director.Announce;

/// <summary>One BFD session of the routing daemon as it last reported it.</summary>
/// <param name="State">As the daemon names it (<c>Up</c>, <c>Down</c>, <c>Init</c>, <c>AdminDown</c>; FRR in lower case).</param>
public sealed record BfdSessionState(string Neighbor, string? Interface, string State, bool Up);
