using System.Net;
using HaDirector.Director.Announce;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Metrics;
using HaDirector.Director.Tracking;
using HaDirector.Director.Vrrp;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Control;

/// <summary>Assembles <see cref="StatusReport"/> from the running parts and one fresh kernel dump.</summary>
public sealed partial class StatusBuilder(RunningConfig config, VrrpService vrrp, IpvsTableService ipvs, IHealthView health, TimeProvider time,
    TrackingService? tracking = null, AnnounceService? announce = null)
{
    public async Task<StatusReport> BuildAsync(CancellationToken cancellationToken)
    {
        var current = config.Current;
        KernelTable kernel = KernelTable.Empty;
        string? error = null;
        if (ipvs.InUse)
        {
            try
            {
                kernel = await ipvs.Reconciler.DumpAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                error = ex.Message;
            }
        }

        var byKey = kernel.Services.ToDictionary(s => ServiceKey.Of(s.Entry.Service));
        var reconciler = ipvs.Reconciler;
        var desired = reconciler.Desired;
        var drains = reconciler.Drains;
        var checks = health.Snapshot();
        var virtualServers = current.VirtualServers.Select(v => VirtualServer(v, desired, byKey, drains, reconciler, checks)).ToList();
        var owned = desired.Keys.ToHashSet();
        var unowned = kernel.Services.Where(s => !owned.Contains(ServiceKey.Of(s.Entry.Service))).Select(Unowned).ToList();
        var status = reconciler.Status;
        var trackers = (tracking?.Snapshot() ?? []).ToDictionary(t => t.Name, StringComparer.Ordinal);
        return new StatusReport(
            StatusReport.CurrentSchemaVersion,
            time.GetUtcNow(),
            config.Path,
            [.. vrrp.Instances.Select(i => WithTracking(Instance(i, time.GetUtcNow()), i, trackers))],
            virtualServers,
            unowned,
            [.. drains.Select(d => d.ToString())],
            new IpvsTableStatus(
                ipvs.InUse,
                Lower(status.Role.ToString()),
                status.Passes,
                status.FailedPasses,
                status.LastPassAt,
                status.LastDuration.TotalMilliseconds,
                status.PendingOperations,
                status.TotalOperations,
                status.TotalFailedOperations,
                error),
            [.. vrrp.Instances.Select(i => i.Runtime.Channel).Distinct().Select(Interface)])
        {
            UnappliedSettings = [.. ipvs.KernelParameters.Unapplied.Select(u => new UnappliedSettingStatus(u.Name, u.Wanted, u.Error))],
            Announce = announce?.Config is { } section
                ? new AnnounceStatus(section.Table, section.Protocol, announce.InMaintenance, [.. announce.Snapshot().Select(d =>
                    new AnnouncedVipStatus(d.Vip.ToString(), d.Announce, AnnounceNames.Of(d.Reason), d.Detail, d.Since, d.Until))])
                {
                    RoutingDaemon = RoutingDaemonOf(announce.RoutingDaemon),
                }
                : null,
        };
    }

    private static RoutingDaemonStatus? RoutingDaemonOf(RoutingDaemonMonitor? monitor)
    {
        if (monitor is null)
        {
            return null;
        }

        var last = monitor.Last;
        var snapshot = last?.Snapshot ?? RoutingDaemonReading.Nothing;
        return new RoutingDaemonStatus(monitor.Config.Type == RoutingDaemonType.Bird ? "bird" : "frr", monitor.Config.EffectiveSocket,
            last?.Reachable == true, last is null ? "not read yet" : last.Error, last?.At, snapshot.Sessions, snapshot.Bfd, snapshot.BfdNote);
    }

    private static VrrpInterfaceStatus Interface(VrrpChannel channel) => new(
        channel.InterfaceName,
        DirectorMetrics.FamilyLabel(channel.Family),
        [.. channel.Foreign.Recent.Select(a => new DroppedAdvertStatus(a.Source.ToString(), a.Vrid, a.Version, a.Reason.ToString(),
            a.ClaimedAddress?.ToString(), a.IsForeignRouter, a.Count, a.FirstSeen, a.LastSeen))]);

    private static InstanceStatus Instance(VrrpInstance instance, DateTimeOffset now)
    {
        var stats = instance.Driver.GetStatistics();
        var c = instance.Config;
        var warnings = new List<string>();
        // The kernel's truth: an address someone removed (or added) shows as it is, not as the election believes.
        IReadOnlySet<IPAddress> present;
        try
        {
            present = instance.Runtime.HeldAddressesPresent();
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or HaDirector.Linux.Interop.LinuxErrorException)
        {
            present = new HashSet<IPAddress>();
            warnings.Add($"cannot read the addresses of {c.Interface}: {ex.Message}");
        }

        var held = c.HeldAddresses.ToList();
        var onInterface = held.Where(v => present.Contains(v.Address)).ToList();
        var missing = stats.HoldsAddresses ? held.Except(onInterface).Select(v => $"{v.Address}/{v.PrefixLength}").ToList() : [];
        if (missing.Count > 0)
        {
            warnings.Add($"VIP(s) {string.Join(", ", missing)} missing from {Devices(c, held.Except(onInterface))} although this node is {Lower(stats.State.ToString())}: "
                + "removed by someone else (the VIP guard adds them back)");
        }
        else if (!stats.HoldsAddresses && onInterface.Count > 0)
        {
            warnings.Add($"VIP(s) {string.Join(", ", onInterface.Select(v => $"{v.Address}/{v.PrefixLength}"))} on {Devices(c, onInterface)} although this node is "
                + $"{Lower(stats.State.ToString())}: added by someone else (another daemon, an operator)");
        }

        foreach (var claim in instance.Runtime.Channel.Foreign.Recent.Where(a => a.ClaimedAddress is { } vip
            && held.Any(v => v.Address.Equals(vip)) && now - a.LastSeen <= ForeignAdverts.ClaimWindow))
        {
            warnings.Add($"VIP {claim.ClaimedAddress} is also claimed by {claim.Source} (VRID {claim.Vrid}, VRRPv{claim.Version}, dropped: {claim.Reason}): "
                + "it is master too (split brain); make its vrid, version, virtual addresses and authentication match");
        }

        foreach (var conflict in instance.Runtime.Channel.Conflicts.Recent.Where(a => a.Instance == c.Name && now - a.LastSeen <= ForeignAdverts.ClaimWindow))
        {
            warnings.Add($"VIP {conflict.Vip} is also claimed by another host, MAC {ArpConflict.Format(conflict.Mac)} ({(conflict.Vip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "neighbour discovery" : "ARP")}), while this node is master: "
                + "an address conflict (split brain); find that host (a peer whose adverts we do not hear, or one that does not speak VRRP)");
        }

        return WithAuthentication(new InstanceStatus(
            c.Name,
            c.Interface,
            c.VirtualRouterId,
            c.Version,
            c.Priority,
            Lower(stats.State.ToString()),
            stats.IsHeld,
            held.Count > 0 && onInterface.Count == held.Count,
            [.. c.VirtualAddresses.Select(v => $"{v.Address}/{v.PrefixLength}")],
            stats.MasterAddress?.ToString(),
            stats.MasterPriority,
            instance.Runtime.Since,
            instance.Runtime.LastCause?.ToString(),
            missing,
            warnings)
        {
            Addresses = [.. c.VirtualAddresses.Select(v => AddressStatus(c, v, false, present)),
                .. c.ExcludedAddresses.Select(v => AddressStatus(c, v, true, present))],
        }, instance);
    }

    private static VirtualAddressStatus AddressStatus(VrrpInstanceConfig c, VirtualAddress v, bool excluded, IReadOnlySet<IPAddress> present) =>
        new($"{v.Address}/{v.PrefixLength}", c.DeviceOf(v), v.Label, excluded, present.Contains(v.Address));

    private static string Devices(VrrpInstanceConfig c, IEnumerable<VirtualAddress> addresses) =>
        string.Join(", ", addresses.Select(c.DeviceOf).Distinct());

    private InstanceStatus WithTracking(InstanceStatus status, VrrpInstance instance, Dictionary<string, TrackerStatus> trackers)
    {
        var verdict = vrrp.TrackingOf(instance.Config.Name);
        var group = vrrp.SyncGroupOf(instance.Config.Name);
        var tracks = instance.Config.Track
            .Select(t => trackers.TryGetValue(t.Tracker, out var s)
                ? new TrackStatus(t.Tracker, ScalarParsers.TrackerTypes.Name(s.Type), s.Reading.ToString(), t.Weight, s.Detail, s.Since)
                : new TrackStatus(t.Tracker, "", "unknown", t.Weight, null, status.Since))
            .ToList();
        string? fault = instance.Runtime.State != HaDirector.Vrrp.Election.VrrpState.Fault ? null : instance.Runtime.LastCause switch
        {
            HaDirector.Vrrp.Election.VrrpTransitionCause.InterfaceDown => $"interface {instance.Config.Interface} is down",
            HaDirector.Vrrp.Election.VrrpTransitionCause.SyncGroup => $"another member of sync group {group} is in fault",
            _ when verdict is { Fault: true } => $"tracker(s) failing: {string.Join(", ", verdict.FaultedBy)}",
            var cause => cause?.ToString(),
        };
        return status with
        {
            EffectivePriority = tracks.Count > 0 ? verdict?.Priority : null,
            Trackers = tracks,
            FaultReason = fault,
            SyncGroup = group,
        };
    }

    private static VirtualServerStatus VirtualServer(VirtualServerConfig v, DesiredTable desired, Dictionary<ServiceKey, KernelService> kernel,
        IReadOnlyList<DrainTarget> drains, IpvsReconciler reconciler, IReadOnlyDictionary<RealServerId, RealServerHealthView> checks)
    {
        var service = ServiceMapping.ToService(v);
        var key = ServiceKey.Of(service);
        kernel.TryGetValue(key, out var inKernel);
        var kernelDestinations = inKernel?.Destinations.ToDictionary(d => DestinationKey.Of(d.Destination)) ?? [];
        var realServers = new List<RealServerStatus>(v.RealServers.Count);
        foreach (var realServer in v.RealServers)
        {
            var destination = ServiceMapping.ToDestination(v, realServer);
            var destinationKey = DestinationKey.Of(destination);
            var id = new RealServerId(key, destinationKey);
            int? desiredWeight = desired.TryGetDestination(id, out var wanted) ? (int)wanted.Weight : null;
            kernelDestinations.TryGetValue(destinationKey, out var entry);
            realServers.Add(new RealServerStatus(
                realServer.Address.ToString(),
                destination.Port,
                realServer.Weight,
                desiredWeight,
                entry is null ? null : (int)entry.Destination.Weight,
                drains.Any(d => d.Matches(v.Name, destinationKey)),
                checks.GetValueOrDefault(id),
                entry?.ActiveConnections ?? 0,
                entry?.InactiveConnections ?? 0));
        }

        var sorryActive = v.SorryServer is { } sorry
            && desired.TryGetDestination(new RealServerId(key, new DestinationKey(sorry.Address, (ushort)sorry.Port)), out _)
            && !v.RealServers.Any(r => r.Address.Equals(sorry.Address) && ServiceMapping.ToDestination(v, r).Port == sorry.Port);
        return new VirtualServerStatus(
            v.Name,
            key.ToString(),
            v.Scheduler,
            [.. v.SchedulerFlags.Select(ScalarParsers.SchedulerFlags.Name)],
            ScalarParsers.ForwardingMethods.Name(v.Forwarding),
            Lower(reconciler.RoleOf(key).ToString()),
            inKernel is not null,
            sorryActive,
            realServers);
    }

    private static UnownedServiceStatus Unowned(KernelService service) => new(
        ServiceKey.Of(service.Entry.Service).ToString(),
        service.Entry.Service.Scheduler,
        [.. service.Destinations.Select(d => new UnownedDestinationStatus(
            d.Destination.Address.ToString(), d.Destination.Port, (int)d.Destination.Weight, d.ActiveConnections, d.InactiveConnections))]);

    private static string Lower(string text) => text.ToLowerInvariant();
}
