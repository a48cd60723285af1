using HaDirector.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>The real kernel through the generic-netlink <see cref="IpvsClient"/>, which it does not own.</summary>
public sealed class IpvsClientKernel(IpvsClient client) : IIpvsKernel
{
    public IReadOnlyList<IpvsServiceEntry> GetServices() => client.GetServices();

    public IReadOnlyList<IpvsDestinationEntry> GetDestinations(IpvsService service) => client.GetDestinations(service);

    public IReadOnlyList<IpvsOperationResult> Execute(IpvsBatch batch) => client.Execute(batch);

    public IReadOnlyList<IpvsSyncDaemon> GetDaemons() => client.GetDaemons();

    public void StartDaemon(IpvsSyncDaemon daemon) => client.StartDaemon(daemon);

    public void StopDaemon(IpvsSyncState state) => client.StopDaemon(state);
}
