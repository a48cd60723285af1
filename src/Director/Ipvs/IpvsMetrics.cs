using HaDirector.Director.Metrics;
using HaDirector.Linux.Netlink.Ipvs;
using Prometheus;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// IPVS series, read from one fresh kernel dump per scrape (never between scrapes): per service and per
/// real server the kernel's counters, like node_exporter's ipvs collector (node_ipvs_*), plus the
/// reconciler's own counters. Series of entries that left the table are removed.
/// </summary>
public sealed class IpvsMetrics
{
    private readonly IpvsTableService _ipvs;
    private readonly Gauge _ownedServices;
    private readonly Gauge _ownedDestinations;
    private readonly Gauge _unownedServices;
    private readonly Counter[] _serviceCounters;
    private readonly Counter[] _backendCounters;
    private readonly Gauge _backendActive;
    private readonly Gauge _backendInactive;
    private readonly Gauge _backendWeight;
    private readonly Counter _passes;
    private readonly Counter _failedPasses;
    private readonly Counter _operations;
    private readonly Counter _netlinkErrors;
    private readonly Gauge _lastPass;
    private readonly Gauge _pending;
    private readonly Gauge _unapplied;
    private readonly Counter _settingFailures;
    private HashSet<string[]> _services = new(LabelComparer.Instance);
    private HashSet<string[]> _backends = new(LabelComparer.Instance);

    public IpvsMetrics(CollectorRegistry registry, IpvsTableService ipvs)
    {
        _ipvs = ipvs;
        var f = DirectorMetrics.Factory(registry);
        _ownedServices = f.CreateGauge(MetricNames.IpvsOwnedServices, "Services of this configuration present in the kernel's IPVS table.");
        _ownedDestinations = f.CreateGauge(MetricNames.IpvsOwnedDestinations, "Destinations (real servers) in the owned services.");
        _unownedServices = f.CreateGauge(MetricNames.IpvsUnownedServices, "Kernel IPVS services this configuration does not own (left alone).");
        string[] service = ["service"];
        string[] backend = ["service", "real_server"];
        _serviceCounters =
        [
            f.CreateCounter(MetricNames.IpvsServiceConnections, "Connections scheduled by the service (kernel counter).", service),
            f.CreateCounter(MetricNames.IpvsServiceIncomingPackets, "Packets in through the service.", service),
            f.CreateCounter(MetricNames.IpvsServiceOutgoingPackets, "Packets out through the service (0 with DR: replies bypass the director).", service),
            f.CreateCounter(MetricNames.IpvsServiceIncomingBytes, "Bytes in through the service.", service),
            f.CreateCounter(MetricNames.IpvsServiceOutgoingBytes, "Bytes out through the service.", service),
        ];
        _backendCounters =
        [
            f.CreateCounter(MetricNames.IpvsBackendConnections, "Connections scheduled to the real server.", backend),
            f.CreateCounter(MetricNames.IpvsBackendIncomingPackets, "Packets forwarded to the real server.", backend),
            f.CreateCounter(MetricNames.IpvsBackendOutgoingPackets, "Packets from the real server through the director.", backend),
            f.CreateCounter(MetricNames.IpvsBackendIncomingBytes, "Bytes forwarded to the real server.", backend),
            f.CreateCounter(MetricNames.IpvsBackendOutgoingBytes, "Bytes from the real server through the director.", backend),
        ];
        _backendActive = f.CreateGauge(MetricNames.IpvsBackendConnectionsActive, "Active connections (node_ipvs_backend_connections_active).", backend);
        _backendInactive = f.CreateGauge(MetricNames.IpvsBackendConnectionsInactive, "Inactive connections (node_ipvs_backend_connections_inactive).", backend);
        _backendWeight = f.CreateGauge(MetricNames.IpvsBackendWeight, "The real server's weight in the kernel (node_ipvs_backend_weight).", backend);
        _passes = f.CreateCounter(MetricNames.IpvsReconcilePasses, "Reconcile passes (dump, diff, apply).");
        _failedPasses = f.CreateCounter(MetricNames.IpvsReconcileFailedPasses, "Reconcile passes whose kernel dump failed.");
        _operations = f.CreateCounter(MetricNames.IpvsOperations, "IPVS edits sent to the kernel.");
        _netlinkErrors = f.CreateCounter(MetricNames.IpvsNetlinkErrors, "IPVS edits the kernel refused, and failed dumps.");
        _lastPass = f.CreateGauge(MetricNames.IpvsReconcileDuration, "Duration of the last reconcile pass.");
        _pending = f.CreateGauge(MetricNames.IpvsPendingOperations,
            "Edits held back because this node is not master of the service (adopted table differs from the desired one).");
        _unapplied = f.CreateGauge(MetricNames.SettingsUnapplied,
            "Settings the configuration asks for (IPVS sysctls) that are not in effect: status lists each with the reason.");
        _settingFailures = f.CreateCounter(MetricNames.SettingFailures, "Attempts to put a setting in effect that failed (each start and reload tries again).");
        registry.AddBeforeCollectCallback(CollectAsync);
    }

    private async Task CollectAsync(CancellationToken cancellationToken)
    {
        var status = _ipvs.Reconciler.Status;
        _passes.IncTo(status.Passes);
        _failedPasses.IncTo(status.FailedPasses);
        _operations.IncTo(status.TotalOperations);
        _netlinkErrors.IncTo(status.TotalFailedOperations + status.FailedPasses);
        _lastPass.Set(status.LastDuration.TotalSeconds);
        _pending.Set(status.PendingOperations);
        _unapplied.Set(_ipvs.KernelParameters.Unapplied.Count);
        _settingFailures.IncTo(_ipvs.KernelParameters.FailedWrites);
        if (!_ipvs.InUse)
        {
            return;
        }

        KernelTable table;
        try
        {
            table = await _ipvs.Reconciler.DumpAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return; // the failure is the reconciler's to log; stale series are better than none
        }

        var owned = _ipvs.Reconciler.Desired;
        HashSet<string[]> services = new(LabelComparer.Instance), backends = new(LabelComparer.Instance);
        int ownedServices = 0, ownedDestinations = 0, unowned = 0;
        foreach (var service in table.Services)
        {
            var key = ServiceKey.Of(service.Entry.Service);
            if (!owned.Contains(key))
            {
                unowned++;
            }
            else
            {
                ownedServices++;
                ownedDestinations += service.Destinations.Count;
            }

            string[] serviceLabels = [key.ToString()];
            services.Add(serviceLabels);
            Count(_serviceCounters, serviceLabels, service.Entry.Stats);
            foreach (var destination in service.Destinations)
            {
                string[] labels = [serviceLabels[0], DestinationKey.Of(destination.Destination).ToString()];
                backends.Add(labels);
                Count(_backendCounters, labels, destination.Stats);
                _backendActive.WithLabels(labels).Set(destination.ActiveConnections);
                _backendInactive.WithLabels(labels).Set(destination.InactiveConnections);
                _backendWeight.WithLabels(labels).Set(destination.Destination.Weight);
            }
        }

        _ownedServices.Set(ownedServices);
        _ownedDestinations.Set(ownedDestinations);
        _unownedServices.Set(unowned);
        foreach (var gone in _services.Where(s => !services.Contains(s)))
        {
            Array.ForEach(_serviceCounters, c => c.RemoveLabelled(gone));
        }

        foreach (var gone in _backends.Where(b => !backends.Contains(b)))
        {
            Array.ForEach(_backendCounters, c => c.RemoveLabelled(gone));
            _backendActive.RemoveLabelled(gone);
            _backendInactive.RemoveLabelled(gone);
            _backendWeight.RemoveLabelled(gone);
        }

        _services = services;
        _backends = backends;
    }

    private static void Count(Counter[] counters, string[] labels, IpvsStats stats)
    {
        Set(counters[0], labels, stats.Connections);
        Set(counters[1], labels, stats.InPackets);
        Set(counters[2], labels, stats.OutPackets);
        Set(counters[3], labels, stats.InBytes);
        Set(counters[4], labels, stats.OutBytes);
    }

    /// <summary>The kernel's counter restarts when its entry is re-created: show that as a reset, not as a flat line.</summary>
    private static void Set(Counter counter, string[] labels, ulong value)
    {
        var child = counter.WithLabels(labels);
        if (value < child.Value)
        {
            counter.RemoveLabelled(labels);
            child = counter.WithLabels(labels);
        }

        child.IncTo(value);
    }

    private sealed class LabelComparer : IEqualityComparer<string[]>
    {
        public static readonly LabelComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(string[] obj) => obj.Aggregate(17, (h, s) => HashCode.Combine(h, s));
    }
}
