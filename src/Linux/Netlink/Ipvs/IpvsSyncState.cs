namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>Role of a connection-sync daemon (IP_VS_STATE_*).</summary>
public enum IpvsSyncState : uint
{
    Master = IpvsKernel.DaemonState.Master,
    Backup = IpvsKernel.DaemonState.Backup,
}
