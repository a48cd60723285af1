using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Kernel;

/// <summary>
/// One connection to the kernel's IPVS (<see cref="IHostKernel.OpenIpvs"/>): what the reconciler and the
/// sync-daemon controller use. Flush is deliberately absent.
/// </summary>
public interface IIpvsKernel
{
    IReadOnlyList<IpvsServiceEntry> GetServices();

    /// <summary>
    /// Empty if the service went away since it was listed: the kernel's destination dump ends quietly
    /// when its service lookup fails (ip_vs_genl_dump_dests), it does not answer ESRCH.
    /// </summary>
    IReadOnlyList<IpvsDestinationEntry> GetDestinations(IpvsService service);

    /// <summary>One result per edit, in order; a failed edit does not stop the others.</summary>
    IReadOnlyList<IpvsOperationResult> Execute(IpvsBatch batch);

    IReadOnlyList<IpvsSyncDaemon> GetDaemons();

    void StartDaemon(IpvsSyncDaemon daemon);

    void StopDaemon(IpvsSyncState state);
}
