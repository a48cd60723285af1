namespace HaDirector.Director.Configuration;

/// <summary>
/// <c>announce.routingDaemon</c>: the routing daemon whose BGP and BFD sessions <c>status</c> and the metrics show.
/// Read only, on a timer of its own and cached: what the daemon announces never waits for it.
/// </summary>
public sealed record RoutingDaemonConfig
{
    /// <summary>Where Debian's bird2 puts its control socket.</summary>
    public const string DefaultBirdSocket = "/run/bird/bird.ctl";

    public RoutingDaemonType Type { get; init; } = RoutingDaemonType.Bird;

    /// <summary>BIRD: its control socket; FRR: vtysh's <c>--vty_socket</c> directory (null: vtysh's own default).</summary>
    public string? Socket { get; init; }

    /// <summary>How often the sessions are read.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A read that takes longer is abandoned and shown as a failure (a hung daemon never holds anything up).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The socket actually used: <see cref="Socket"/>, or BIRD's default.</summary>
    public string? EffectiveSocket => Socket ?? (Type == RoutingDaemonType.Bird ? DefaultBirdSocket : null);
}
