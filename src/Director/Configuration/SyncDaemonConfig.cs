namespace HaDirector.Director.Configuration;

/// <summary>
/// The kernel's IPVS connection-sync daemons (master and backup roles on every node), and how long a new
/// master drops, rather than resets, segments of connections whose sync entry has not arrived yet.
/// <paramref name="SyncThreshold"/> is the kernel's <c>sync_threshold</c>: the packet (client to server) at which a
/// connection is first announced.
/// </summary>
public sealed record SyncDaemonConfig(string Interface, int SyncId, TimeSpan TakeoverGrace, int SyncThreshold = SyncDaemonConfig.DefaultSyncThreshold)
{
    /// <summary>
    /// The handshake's ACK, the second packet a DR director sees: the kernel announces a TCP connection only from
    /// ESTABLISHED on, so its default 3 waits for the first data, and a request whose data already went to the new
    /// master was never announced.
    /// </summary>
    public const int DefaultSyncThreshold = 2;

    /// <summary>The kernel sends its sync buffer at least every 2 s (IPVS_SYNC_FLUSH_TIME); one more for the trip.</summary>
    public static readonly TimeSpan DefaultTakeoverGrace = TimeSpan.FromSeconds(3);

    public SyncDaemonConfig(string Interface, int SyncId)
        : this(Interface, SyncId, DefaultTakeoverGrace)
    {
    }
}
