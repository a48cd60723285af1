namespace HaDirector.Director.Configuration;

/// <summary>The kernel's IPVS connection-sync daemon (master on the VRRP master, backup elsewhere).</summary>
public sealed record SyncDaemonConfig(string Interface, int SyncId);
