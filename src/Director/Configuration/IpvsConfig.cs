namespace HaDirector.Director.Configuration;

/// <summary>How the IPVS table is kept.</summary>
public sealed record IpvsConfig
{
    /// <summary>Keep the services programmed on a backup too, so a takeover only adds the VIP.</summary>
    public bool WarmStandby { get; init; }

    /// <summary>How often the kernel table is dumped and repaired against the desired one.</summary>
    public TimeSpan ReconcilePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Null: no IPVS connection synchronisation.</summary>
    public SyncDaemonConfig? SyncDaemon { get; init; }
}
