using HaDirector.Linux.Netlink.Genetlink;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Kernel;

/// <summary>
/// The IPVS family, opened on first use: a daemon with no virtual servers never needs it (and the host may
/// have no IPVS at all). The generic-netlink family is not auto-loaded, so a missing family gets one
/// <c>modprobe ip_vs</c> — what ipvsadm and keepalived do too — before the error goes to the caller.
/// </summary>
public sealed class LazyIpvsKernel(Func<IpvsClient> open, Action loadModule) : IIpvsKernel, IDisposable
{
    private readonly Lock _gate = new();
    private IpvsClient? _client;
    private bool _moduleTried;

    public IReadOnlyList<IpvsServiceEntry> GetServices() => Client.GetServices();

    public IReadOnlyList<IpvsDestinationEntry> GetDestinations(IpvsService service) => Client.GetDestinations(service);

    public IReadOnlyList<IpvsOperationResult> Execute(IpvsBatch batch) => Client.Execute(batch);

    public IReadOnlyList<IpvsSyncDaemon> GetDaemons() => Client.GetDaemons();

    public void StartDaemon(IpvsSyncDaemon daemon) => Client.StartDaemon(daemon);

    public void StopDaemon(IpvsSyncState state) => Client.StopDaemon(state);

    private IpvsClient Client
    {
        get
        {
            lock (_gate)
            {
                return _client ??= Open();
            }
        }
    }

    private IpvsClient Open()
    {
        try
        {
            return open();
        }
        catch (GenericNetlinkFamilyNotFoundException) when (!_moduleTried)
        {
            _moduleTried = true;
            loadModule();
            return open();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _client?.Dispose();
            _client = null;
        }
    }
}
