using HaDirector.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// The part of the kernel's IPVS the reconciler and the sync-daemon controller use: the only seam to the
/// kernel, so both are tested against an in-memory model. Flush is deliberately absent.
/// </summary>
public interface IIpvsKernel
{
    IReadOnlyList<IpvsServiceEntry> GetServices();

    /// <summary>Throws <see cref="IpvsErrorException"/> (ESRCH) if the service went away since it was listed.</summary>
    IReadOnlyList<IpvsDestinationEntry> GetDestinations(IpvsService service);

    /// <summary>One result per edit, in order; a failed edit does not stop the others.</summary>
    IReadOnlyList<IpvsOperationResult> Execute(IpvsBatch batch);

    IReadOnlyList<IpvsSyncDaemon> GetDaemons();

    void StartDaemon(IpvsSyncDaemon daemon);

    void StopDaemon(IpvsSyncState state);
}
