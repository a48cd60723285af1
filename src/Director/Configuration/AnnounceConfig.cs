namespace HaDirector.Director.Configuration;

/// <summary>
/// <c>announce:</c> VIPs held by announcing them to a routing daemon (BIRD, FRR) instead of by a VRRP instance: every
/// healthy director serves them at once behind the router's ECMP (docs/scale-out.md). This director puts a route for
/// each VIP it should announce in <see cref="Table"/>, tagged with <see cref="Protocol"/>; the routing daemon exports it.
/// </summary>
public sealed record AnnounceConfig
{
    /// <summary>Not one of the kernel's own tables: 0 (unspec), 253 (default), 254 (main), 255 (local).</summary>
    public const uint DefaultTable = 200;

    /// <summary>
    /// The rtnetlink protocol (rtm_protocol) on our routes: not a number the kernel (0..4) or a routing daemon uses
    /// (rtnetlink.h: 8..19 and 42..44, FRR's 186..194), so a routing daemon can import exactly these routes.
    /// </summary>
    public const byte DefaultProtocol = 201;

    public uint Table { get; init; } = DefaultTable;

    public byte Protocol { get; init; } = DefaultProtocol;

    /// <summary>
    /// A VIP withdrawn because its real servers or trackers failed is announced again only after they have stayed
    /// good this long (hysteresis: a flapping health check would otherwise flap BGP, and routers damp flapping routes).
    /// </summary>
    public TimeSpan HoldDown { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// On stop: after withdrawing, how long the daemon keeps running (health checks, repairs) while the router moves
    /// the flows away. IPVS forwards after the daemon is gone too; this is for an orderly drain.
    /// </summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How each VIP is made an address of this director: false (the default), as an address on <c>lo</c>; true, as a
    /// <c>local</c> route in the kernel's local table (tagged with <see cref="Protocol"/>) with no interface address. FRR
    /// on the director needs true: zebra makes a connected route of every interface address, which wins over the VIP's
    /// route imported from <see cref="Table"/>, so nothing would be exported (docs/scale-out.md, "FRR on a director").
    /// </summary>
    public bool LocalRoute { get; init; }

    public ValueList<AnnouncedVipConfig> Vips { get; init; } = [];

    /// <summary>The routing daemon whose sessions status shows; null: not shown.</summary>
    public RoutingDaemonConfig? RoutingDaemon { get; init; }
}
