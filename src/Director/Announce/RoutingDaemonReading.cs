namespace HaDirector.Director.Announce;

/// <summary>The last read of the routing daemon, cached for status and metrics: its sessions, or why it could not be read.</summary>
/// <param name="At">When the read ended.</param>
/// <param name="Error">Null: read; else why not (socket missing, refused, timed out, not BIRD, bgpd not running).</param>
public sealed record RoutingDaemonReading(DateTimeOffset At, string? Error, RoutingDaemonSnapshot Snapshot)
{
    public static readonly RoutingDaemonSnapshot Nothing = new([], []);

    public bool Reachable => Error is null;
}
