namespace HaDirector.Director.Control;

/// <summary>The <c>announce:</c> side of status: the table and protocol the routing daemon reads, and each VIP's state.</summary>
/// <param name="Maintenance">After <c>hadirector failover</c>: every VIP withdrawn until <c>hadirector resume</c>.</param>
public sealed record AnnounceStatus(uint Table, int Protocol, bool Maintenance, IReadOnlyList<AnnouncedVipStatus> Vips)
{
    /// <summary>The routing daemon's BGP and BFD sessions; null without <c>announce.routingDaemon</c>.</summary>
    public RoutingDaemonStatus? RoutingDaemon { get; init; }
}
