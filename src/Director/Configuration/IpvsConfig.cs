namespace HaDirector.Director.Configuration;

/// <summary>How the IPVS table is kept.</summary>
public sealed record IpvsConfig
{
    /// <summary>
    /// Keep the services programmed on a backup too, so a takeover only adds the VIP and the backup keeps its own
    /// connection entries. The file's default is true when <see cref="SyncDaemon"/> is configured (ConfigReader), false
    /// otherwise.
    /// </summary>
    public bool WarmStandby { get; init; }

    /// <summary>How often the kernel table is dumped and repaired against the desired one.</summary>
    public TimeSpan ReconcilePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sets net.ipv4.vs.expire_nodest_conn = 1: a connection entry whose real server was removed goes at its next
    /// packet instead of swallowing packets until it times out (FIN_WAIT: 2 min), so a new connection that reuses
    /// its client port is scheduled afresh rather than dropped. False leaves the kernel's value alone.
    /// </summary>
    public bool ExpireNodestConn { get; init; } = true;

    /// <summary>Null: no IPVS connection synchronisation.</summary>
    public SyncDaemonConfig? SyncDaemon { get; init; }
}
