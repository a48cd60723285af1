using System.Net;

namespace HaDirector.Director.Configuration;

/// <summary>One announced VIP (<c>announce.vips[]</c>).</summary>
public sealed record AnnouncedVipConfig
{
    public IPAddress Address { get; init; } = IPAddress.None;

    /// <summary>
    /// Real servers each virtual server on this VIP needs up for the VIP to be announced: a director that cannot
    /// reach enough of one service's real servers withdraws the VIP (a route carries the VIP, not one port).
    /// </summary>
    public int MinHealthy { get; init; } = 1;

    /// <summary><c>vrrp.trackers[].name</c>: any of them down withdraws the VIP (no weights: a route is there or not).</summary>
    public ValueList<string> Track { get; init; } = [];
}
