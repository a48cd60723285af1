namespace HaDirector.Director.Configuration;

/// <summary>
/// The kernel's IPVS connection-sync daemons (master and backup roles on every node), and how long a new
/// master drops, rather than resets, segments of connections whose sync entry has not arrived yet.
/// </summary>
public sealed record SyncDaemonConfig(string Interface, int SyncId, TimeSpan TakeoverGrace)
{
    /// <summary>The kernel sends its sync buffer at least every 2 s (IPVS_SYNC_FLUSH_TIME); one more for the trip.</summary>
    public static readonly TimeSpan DefaultTakeoverGrace = TimeSpan.FromSeconds(3);

    public SyncDaemonConfig(string Interface, int SyncId)
        : this(Interface, SyncId, DefaultTakeoverGrace)
    {
    }
}
