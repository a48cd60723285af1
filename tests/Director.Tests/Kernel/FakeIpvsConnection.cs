using HaDirector.Director.Kernel;
using HaDirector.Director.Tests.Ipvs;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Tests.Kernel;

/// <summary>One IPVS connection of <see cref="FakeKernel"/>: the shared table, with each write in the effect log.</summary>
internal sealed class FakeIpvsConnection(FakeIpvsKernel table, Action<string> record) : IIpvsKernel
{
    public IReadOnlyList<IpvsServiceEntry> GetServices() => table.GetServices();

    public IReadOnlyList<IpvsDestinationEntry> GetDestinations(IpvsService service) => table.GetDestinations(service);

    public IReadOnlyList<IpvsOperationResult> Execute(IpvsBatch batch)
    {
        var results = table.Execute(batch);
        foreach (var result in results)
        {
            record($"ipvs {result.Operation}{(result.Error is null ? "" : " (failed)")}");
        }

        return results;
    }

    public IReadOnlyList<IpvsSyncDaemon> GetDaemons() => table.GetDaemons();

    public void StartDaemon(IpvsSyncDaemon daemon)
    {
        table.StartDaemon(daemon);
        record($"ipvs start sync daemon {daemon.State} on {daemon.InterfaceName} id {daemon.SyncId}");
    }

    public void StopDaemon(IpvsSyncState state)
    {
        table.StopDaemon(state);
        record($"ipvs stop sync daemon {state}");
    }
}
