using HaDirector.Director.Ipvs;
using HaDirector.Director.Kernel;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Tests.Ipvs;

/// <summary>
/// An in-memory IPVS table with the kernel's answers to edits (EEXIST on a second add, ESRCH for a missing
/// service, ENOENT for a missing destination), failure injection, and a gate to hold a dump in progress.
/// </summary>
internal sealed class FakeIpvsKernel : IIpvsKernel
{
    private readonly List<(IpvsService Service, List<IpvsDestination> Destinations)> _services = [];
    private readonly List<IpvsSyncDaemon> _daemons = [];
    private readonly Lock _lock = new();
    private readonly Dictionary<ServiceKey, IpvsStats> _serviceStats = [];
    private readonly Dictionary<(ServiceKey, DestinationKey), IpvsDestinationEntry> _destinationStats = [];

    /// <summary>Returns an errno to make that edit fail, or null to let it through.</summary>
    public Func<IpvsOperation, int?> FailWhen { get; set; } = _ => null;

    /// <summary>When set, <see cref="GetServices"/> signals <see cref="DumpEntered"/> and waits for it.</summary>
    public SemaphoreSlim? DumpGate { get; set; }

    public SemaphoreSlim DumpEntered { get; } = new(0);

    public bool FailDumps { get; set; }

    /// <summary>When set, <see cref="Execute"/> throws it instead of sending anything (a broken socket, say).</summary>
    public Exception? ThrowOnExecute { get; set; }

    public int Dumps { get; private set; }

    /// <summary>Destination dumps, one per service dumped.</summary>
    public int DestinationDumps { get; private set; }

    public List<IReadOnlyList<IpvsOperation>> Batches { get; } = [];

    public List<string> DaemonCalls { get; } = [];

    public IEnumerable<IpvsOperation> AllOperations => Batches.SelectMany(b => b);

    /// <summary>The kernel's counters of a service from now on, as `ipvsadm -Ln --stats` would show them (zero until set).</summary>
    public void SetStats(ServiceKey service, IpvsStats stats)
    {
        lock (_lock)
        {
            _serviceStats[service] = stats;
        }
    }

    /// <summary>The kernel's connection counts and counters of one destination from now on.</summary>
    public void SetStats(ServiceKey service, DestinationKey destination, uint active, uint inactive, IpvsStats stats)
    {
        lock (_lock)
        {
            _destinationStats[(service, destination)] = new IpvsDestinationEntry(null!, active, inactive, 0, stats);
        }
    }

    public IReadOnlyList<IpvsServiceEntry> GetServices()
    {
        if (DumpGate is { } gate)
        {
            DumpEntered.Release();
            gate.Wait();
        }

        lock (_lock)
        {
            Dumps++;
            if (FailDumps)
            {
                throw new IpvsErrorException(Errno.ENOMEM, "IPVS_CMD_GET_SERVICE dump", null, null);
            }

            return [.. _services.Select(s => new IpvsServiceEntry(s.Service, _serviceStats.GetValueOrDefault(ServiceKey.Of(s.Service), IpvsStats.Empty)))];
        }
    }

    public IReadOnlyList<IpvsDestinationEntry> GetDestinations(IpvsService service)
    {
        lock (_lock)
        {
            DestinationDumps++;
            var index = IndexOf(ServiceKey.Of(service));
            // Like the kernel: a dump of a missing service's destinations is empty, not an error.
            return index < 0 ? [] : [.. _services[index].Destinations.Select(d =>
                _destinationStats.TryGetValue((ServiceKey.Of(service), DestinationKey.Of(d)), out var counted)
                    ? counted with { Destination = d }
                    : new IpvsDestinationEntry(d, 0, 0, 0, IpvsStats.Empty))];
        }
    }

    public IReadOnlyList<IpvsOperationResult> Execute(IpvsBatch batch)
    {
        if (ThrowOnExecute is { } error)
        {
            throw error;
        }

        lock (_lock)
        {
            Batches.Add([.. batch.Operations]);
            return [.. batch.Operations.Select(Apply)];
        }
    }

    public IReadOnlyList<IpvsSyncDaemon> GetDaemons()
    {
        lock (_lock)
        {
            return [.. _daemons];
        }
    }

    public void StartDaemon(IpvsSyncDaemon daemon)
    {
        lock (_lock)
        {
            DaemonCalls.Add($"start {daemon.State}");
            if (_daemons.Exists(d => d.State == daemon.State))
            {
                throw new IpvsErrorException(Errno.EEXIST, "start daemon", null, null);
            }

            _daemons.Add(daemon);
        }
    }

    public void StopDaemon(IpvsSyncState state)
    {
        lock (_lock)
        {
            DaemonCalls.Add($"stop {state}");
            if (_daemons.RemoveAll(d => d.State == state) == 0)
            {
                throw new IpvsErrorException(Errno.ESRCH, "stop daemon", null, null);
            }
        }
    }

    /// <summary>Puts a table in place without going through <see cref="Execute"/> (what another tool left).</summary>
    public void Load(KernelTable table)
    {
        lock (_lock)
        {
            _services.Clear();
            foreach (var service in table.Services)
            {
                _services.Add((service.Service, [.. service.Destinations.Select(d => d.Destination)]));
            }
        }
    }

    /// <summary>`ipvsadm -e` / `ipvsadm -d` by hand.</summary>
    public void EditByHand(ServiceKey service, Func<List<IpvsDestination>, List<IpvsDestination>> edit)
    {
        lock (_lock)
        {
            var index = IndexOf(service);
            _services[index] = (_services[index].Service, edit(_services[index].Destinations));
        }
    }

    public KernelTable Snapshot()
    {
        lock (_lock)
        {
            return new KernelTable([.. _services.Select(s => KernelService.Of(s.Service, s.Destinations))]);
        }
    }

    /// <summary>Applies one edit with the kernel's checks; public so property tests can replay plans.</summary>
    public IpvsOperationResult Apply(IpvsOperation operation)
    {
        lock (_lock)
        {
            var errno = FailWhen(operation) ?? ApplyModel(operation);
            return new IpvsOperationResult(operation, errno is { } e ? new IpvsErrorException(e, operation.ToString(), null, operation) : null);
        }
    }

    private int? ApplyModel(IpvsOperation operation)
    {
        var index = IndexOf(ServiceKey.Of(operation.Service));
        if (operation.Kind == IpvsOperationKind.AddService)
        {
            if (index >= 0)
            {
                return Errno.EEXIST;
            }

            _services.Add((operation.Service, []));
            return null;
        }

        if (index < 0)
        {
            return Errno.ESRCH;
        }

        var destinations = _services[index].Destinations;
        switch (operation.Kind)
        {
            case IpvsOperationKind.UpdateService:
                _services[index] = (operation.Service, destinations);
                return null;
            case IpvsOperationKind.DeleteService:
                _services.RemoveAt(index);
                return null;
        }

        var destination = operation.Destination!;
        var at = destinations.FindIndex(d => DestinationKey.Of(d) == DestinationKey.Of(destination));
        switch (operation.Kind)
        {
            case IpvsOperationKind.AddDestination when at >= 0:
                return Errno.EEXIST;
            case IpvsOperationKind.AddDestination:
                destinations.Add(destination);
                return null;
            case IpvsOperationKind.UpdateDestination when at >= 0:
                destinations[at] = destination;
                return null;
            case IpvsOperationKind.DeleteDestination when at >= 0:
                destinations.RemoveAt(at);
                return null;
            default:
                return Errno.ENOENT;
        }
    }

    private int IndexOf(ServiceKey key) => _services.FindIndex(s => ServiceKey.Of(s.Service) == key);
}
