namespace HaDirector.Director.Control;

/// <summary>
/// One announced VIP: <c>announcing</c>, or why it is withdrawn (<c>maintenance</c>, <c>no_healthy_real_server</c>,
/// <c>tracker_down</c>, <c>hold_down</c>, <c>stopping</c>), since when, and for a hold-down when it ends.
/// </summary>
public sealed record AnnouncedVipStatus(string Vip, bool Announcing, string State, string? Detail, DateTimeOffset Since, DateTimeOffset? Until);
