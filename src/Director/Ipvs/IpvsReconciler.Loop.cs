using HaDirector.Director.Configuration;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// The loop: one reader at a time takes the requests in order and runs the passes. The reader is whichever
/// thread finds the loop idle when it posts: an awaited request (activate, a pass, a dump) runs there, as does
/// a health or drain change whose pass needs no dump (its one SET_DEST then leaves before
/// <see cref="SetHealth"/> returns, with no hop to another thread); anything else moves to the thread pool.
/// Every field below belongs to the reader.
/// </summary>
public sealed partial class IpvsReconciler
{
    private const int FailuresLoggedPerPass = 20;

    /// <summary>More changed services than this and one full pass is about as cheap.</summary>
    private const int MaxTargetedServices = 64;

    private int _reading;
    private readonly List<ReconcileRequest> _taken = [];
    private bool _stopped;
    private ITimer? _timer;
    private TimeSpan _timerPeriod;

    /// <summary>Services whose health or drains changed since the last pass that wrote them.</summary>
    private readonly HashSet<ServiceKey> _changed = [];

    /// <summary>
    /// What the last clean passes left of the held services in the kernel: the kernel view a health change
    /// plans against instead of dumping. Null after any failure, so the next pass dumps.
    /// </summary>
    private Dictionary<ServiceKey, DesiredService>? _known;

    /// <summary>The inputs of the last clean full pass; a change other than health or drains needs a full pass.</summary>
    private ReconcilerInputs? _cleanInputs;
    private long _lastFullPassAt;

    /// <summary>Services a reload dropped: still owned (so removed) until the kernel no longer has them.</summary>
    private readonly HashSet<ServiceKey> _retired = [];
    private ReconcilerInputs _ownedBy;
    private (IReadOnlyList<VirtualServerConfig> Source, Dictionary<ServiceKey, VirtualServerConfig> ByKey)? _configByKey;
    private int _lastUnownedCount;

    /// <summary>
    /// The failure the log last reported, and the edit errors it reported in the last pass: a failure that
    /// repeats every pass is logged once, and again only when it changes (or after it clears).
    /// </summary>
    private string? _loggedFailure;
    private HashSet<string> _loggedEditErrors = new(StringComparer.Ordinal);
    private int _failingPasses;

    /// <summary>Becomes the reader if the loop is idle and handles what is queued; see the type's summary.</summary>
    private void Pump(bool fullPassHere)
    {
        while (Interlocked.CompareExchange(ref _reading, 1, 0) == 0)
        {
            bool handedOver;
            try
            {
                handedOver = !ReadAll(fullPassHere);
            }
            finally
            {
                // A full fence, not a release: the mailbox check below must not be read before this store.
                Interlocked.Exchange(ref _reading, 0);
            }

            if (handedOver)
            {
                PumpInBackground();
                return;
            }

            // A request posted after the last read but before the release found the loop busy: read again.
            if (_mailbox.IsEmpty)
            {
                return;
            }
        }
    }

    private void PumpInBackground() => ThreadPool.UnsafeQueueUserWorkItem(static self => self.Pump(fullPassHere: true), this, preferLocal: false);

    /// <summary>Handles requests until none are left; false when the next needs a full pass and this thread may not run it.</summary>
    private bool ReadAll(bool fullPassHere)
    {
        while (true)
        {
            while (_mailbox.TryDequeue(out var request))
            {
                _taken.Add(request);
            }

            if (_taken.Count == 0)
            {
                return true;
            }

            if (_stopped)
            {
                _taken.ForEach(r => r.Refuse());
                _taken.Clear();
                continue;
            }

            ReconcileRequest[]? requests = null;
            Exception? crash = null;
            try
            {
                var inputs = Inputs;
                var full = false;
                foreach (var request in _taken)
                {
                    full |= request.Kind == ReconcileRequestKind.Pass;
                    Note(request, inputs);
                }

                full = full || (_changed.Count > 0 && !CanPlanChangedOnly(inputs));
                if (full && !fullPassHere)
                {
                    return false;
                }

                requests = [.. _taken];
                _taken.Clear();
                if (full)
                {
                    RunFullPass(inputs);
                }
                else if (_changed.Count > 0)
                {
                    RunChangedPass(inputs);
                }
            }
            catch (Exception ex)
            {
                crash = ex;
                Forget();
                _changed.Clear();
                requests ??= [.. _taken];
                _taken.Clear();
            }

            Complete(requests, crash);
        }
    }

    private void Complete(ReconcileRequest[] requests, Exception? crash)
    {
        var awaited = false;
        foreach (var request in requests)
        {
            switch (request.Kind)
            {
                case ReconcileRequestKind.Pass when request.Done is { } done:
                    awaited = true;
                    if (crash is null)
                    {
                        done.TrySetResult();
                    }
                    else
                    {
                        done.TrySetException(crash);
                    }

                    break;
                case ReconcileRequestKind.Dump:
                    try
                    {
                        request.Dumped!.TrySetResult(Dump());
                    }
                    catch (Exception ex)
                    {
                        request.Dumped!.TrySetException(ex);
                    }

                    break;
                case ReconcileRequestKind.Idle:
                    request.Done!.TrySetResult();
                    break;
                case ReconcileRequestKind.Stop:
                    _stopped = true;
                    _timer?.Dispose();
                    request.Done!.TrySetResult();
                    break;
            }
        }

        // An awaited pass hands its failure to the caller; an unawaited one has only the log.
        if (crash is not null && !awaited)
        {
            LogPassCrashed(_logger, crash);
        }
    }

    /// <summary>Marks the services a change touches; starts the periodic pass when the request says so.</summary>
    private void Note(ReconcileRequest request, ReconcilerInputs inputs)
    {
        if (request.Service is { } service)
        {
            _changed.Add(service);
        }
        else if (request.Drain is { } drain)
        {
            foreach (var (key, virtualServer) in ConfigByKey(inputs.VirtualServers))
            {
                foreach (var realServer in virtualServer.RealServers)
                {
                    if (drain.Matches(virtualServer.Name, DestinationKey.Of(ServiceMapping.ToDestination(virtualServer, realServer))))
                    {
                        _changed.Add(key);
                        break;
                    }
                }
            }
        }
        else if (request.StartsTimer && _timer is null)
        {
            _timerPeriod = inputs.Ipvs.ReconcilePeriod;
            _timer = _time.CreateTimer(static self => ((IpvsReconciler)self!).RequestReconcile(), this, _timerPeriod, _timerPeriod);
        }
    }

    /// <summary>
    /// A health or drain change can be planned against the known view of its services alone while nothing
    /// else changed since a clean full pass, no reload is still removing services, and that pass is younger
    /// than half the period (so drift repair keeps its period).
    /// </summary>
    private bool CanPlanChangedOnly(ReconcilerInputs inputs)
    {
        if (_known is null || _cleanInputs is not { } clean || _retired.Count > 0 || _changed.Count > MaxTargetedServices
            || !ReferenceEquals(clean.VirtualServers, inputs.VirtualServers) || !ReferenceEquals(clean.Ipvs, inputs.Ipvs)
            || clean.DefaultRole != inputs.DefaultRole || !ReferenceEquals(clean.Roles, inputs.Roles)
            || _time.GetElapsedTime(_lastFullPassAt) >= inputs.Ipvs.ReconcilePeriod / 2)
        {
            return false;
        }

        foreach (var key in _changed)
        {
            if (inputs.Owned.Contains(key) && inputs.Holds(key) && !_known.ContainsKey(key))
            {
                return false;
            }
        }

        return true;
    }

    private void RunFullPass(ReconcilerInputs inputs)
    {
        _changed.Clear();
        Retire(inputs);
        if (_timer is not null && _timerPeriod != inputs.Ipvs.ReconcilePeriod)
        {
            _timerPeriod = inputs.Ipvs.ReconcilePeriod;
            _timer.Change(_timerPeriod, _timerPeriod);
        }

        var started = _time.GetTimestamp();
        var status = Status;
        var role = inputs.OwnedRole();
        KernelTable dump;
        try
        {
            dump = Dump();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (FailureChanged("dump: " + ex.Message))
            {
                LogDumpFailed(_logger, ex.Message, ex);
            }

            _failingPasses++;
            Forget();
            Publish(status with { Role = role, Passes = status.Passes + 1, FailedPasses = status.FailedPasses + 1, LastPassAt = _time.GetUtcNow() });
            return;
        }

        var pass = IpvsPlanner.Plan(inputs.Desired, dump, inputs.RoleOf, inputs.Ipvs.WarmStandby, _retired);
        ReportUnowned(pass.UnownedServices);
        if (_retired.Count > 0)
        {
            var present = dump.Services.Select(s => s.Key).ToHashSet();
            _retired.RemoveWhere(k => !present.Contains(k));
        }

        if (pass.Starting > 0 && (status.Passes == 0 || pass.Pending != status.PendingOperations))
        {
            LogAdopted(_logger, pass.Adopted, pass.Pending);
        }

        var failed = Execute(pass.Plan, out var batchFailed);
        var duration = _time.GetElapsedTime(started);
        var clean = failed == 0 && !batchFailed;
        _cleanInputs = clean ? inputs : null;
        _known = clean ? pass.Target.Services.ToDictionary(s => s.Key) : null;
        _lastFullPassAt = started;
        // A pass that fails as the one before did says nothing new: its error was logged already.
        var repeatedFailure = !clean && _failingPasses > 0;
        if (clean)
        {
            Recovered();
            if (inputs.VirtualServers.Count == 0 && pass.Pending == 0)
            {
                StopPasses();
            }
        }
        else
        {
            _failingPasses++;
        }

        if (pass.Plan.IsEmpty)
        {
            LogPassClean(_logger, role, dump.Services.Count, duration.TotalMilliseconds);
        }
        else if (!repeatedFailure)
        {
            LogPassApplied(_logger, role, pass.Plan.Operations.Count, failed, duration.TotalMilliseconds, dump.Services.Count, dump.DestinationCount);
        }

        Publish(Applied(status, pass.Plan, failed, batchFailed, duration) with
        {
            Role = role,
            PendingOperations = pass.Pending,
            LastDump = dump,
            UnownedServices = pass.UnownedServices,
        });
    }

    /// <summary>
    /// A pass over the services whose health or drains changed, planned against what the last clean passes
    /// left of them: no dump. A service or destination deleted by hand since then makes its edit fail, which
    /// asks for a full pass.
    /// </summary>
    private void RunChangedPass(ReconcilerInputs inputs)
    {
        var byKey = ConfigByKey(inputs.VirtualServers);
        var configs = new List<VirtualServerConfig>(_changed.Count);
        var view = new List<KernelService>(_changed.Count);
        foreach (var key in _changed)
        {
            if (byKey.TryGetValue(key, out var config))
            {
                configs.Add(config);
                if (_known!.TryGetValue(key, out var known))
                {
                    view.Add(KernelService.Of(known.Service, known.Destinations));
                }
            }
        }

        _changed.Clear();
        var started = _time.GetTimestamp();
        var status = Status;
        var kernel = new KernelTable(view);
        var pass = IpvsPlanner.Plan(new DesiredTable(DesiredTable.BuildServices(configs, inputs.Health, inputs.Drains)), kernel, inputs.RoleOf, inputs.Ipvs.WarmStandby, _retired);
        var failed = Execute(pass.Plan, out var batchFailed);
        var duration = _time.GetElapsedTime(started);
        if (failed > 0 || batchFailed)
        {
            Forget();
            _mailbox.Enqueue(ReconcileRequest.Pass(awaited: false));
        }
        else
        {
            foreach (var service in pass.Target.Services)
            {
                _known![service.Key] = service;
            }
        }

        if (!pass.Plan.IsEmpty)
        {
            LogPassApplied(_logger, status.Role, pass.Plan.Operations.Count, failed, duration.TotalMilliseconds, view.Count, kernel.DestinationCount);
        }

        Publish(Applied(status, pass.Plan, failed, batchFailed, duration));
    }

    /// <summary>True when <paramref name="failure"/> is not the one the log reported last (which it now is).</summary>
    private bool FailureChanged(string failure)
    {
        var changed = failure != _loggedFailure;
        _loggedFailure = failure;
        return changed;
    }

    /// <summary>A clean full pass: failures logged before are over, and a new one will be logged again.</summary>
    private void Recovered()
    {
        if (_failingPasses > 0)
        {
            LogRecovered(_logger, _failingPasses);
        }

        _failingPasses = 0;
        _loggedFailure = null;
        _loggedEditErrors.Clear();
    }

    /// <summary>
    /// A reload removed every virtual server and the kernel holds none of ours any more: nothing is left to
    /// repair, so the periodic pass (a dump each period) stops until a reload brings virtual servers back.
    /// </summary>
    private void StopPasses()
    {
        _retired.Clear();
        if (_timer is not null)
        {
            _timer.Dispose();
            _timer = null;
            LogPassesStopped(_logger);
        }
    }

    /// <summary>After a failure: the next pass is a full one, with a fresh dump.</summary>
    private void Forget()
    {
        _known = null;
        _cleanInputs = null;
    }

    /// <summary>A reload's dropped services join the retired ones.</summary>
    private void Retire(ReconcilerInputs inputs)
    {
        if (!ReferenceEquals(_ownedBy.VirtualServers, inputs.VirtualServers))
        {
            _retired.UnionWith(_ownedBy.Owned);
            _retired.ExceptWith(inputs.Owned);
            _ownedBy = inputs;
        }
    }

    /// <summary>The status after a pass that sent <paramref name="plan"/>: counters and the last pass's figures.</summary>
    private IpvsReconcilerStatus Applied(IpvsReconcilerStatus status, IpvsPlan plan, int failed, bool batchFailed, TimeSpan duration) => status with
    {
        Passes = status.Passes + 1,
        FailedPasses = status.FailedPasses + (batchFailed ? 1 : 0),
        LastPassAt = _time.GetUtcNow(),
        LastDuration = duration,
        LastOperations = CountByKind(plan),
        LastFailedOperations = failed,
        TotalOperations = status.TotalOperations + plan.Operations.Count,
        TotalFailedOperations = status.TotalFailedOperations + failed,
    };

    private KernelTable Dump()
    {
        var services = _kernel.GetServices();
        var table = new List<KernelService>(services.Count);
        foreach (var service in services)
        {
            try
            {
                table.Add(new KernelService(service, _kernel.GetDestinations(service.Service)));
            }
            catch (IpvsErrorException ex) when (ex.Errno is Errno.ESRCH or Errno.ENOENT)
            {
                // Deleted by someone else between the two dumps. Today's kernels answer that with an empty
                // dump instead; either way the next pass sees the truth.
            }
        }

        return new KernelTable(table);
    }

    /// <summary>Sends the plan; returns how many edits failed. A failed edit is simply planned again next pass.</summary>
    private int Execute(IpvsPlan plan, out bool batchFailed)
    {
        batchFailed = false;
        if (plan.IsEmpty)
        {
            return 0;
        }

        IReadOnlyList<IpvsOperationResult> results;
        try
        {
            results = _kernel.Execute(plan.ToBatch());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (FailureChanged("batch: " + ex.Message))
            {
                LogBatchFailed(_logger, plan.Operations.Count, ex.Message, ex);
            }

            batchFailed = true;
            return plan.Operations.Count;
        }

        // An edit that fails the same way every pass was logged the first time: only new errors are.
        var failed = 0;
        var logged = 0;
        var errors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            if (result.Error is { } error)
            {
                failed++;
                if (errors.Add(error.Message) && !_loggedEditErrors.Contains(error.Message) && ++logged <= FailuresLoggedPerPass)
                {
                    LogOperationFailed(_logger, error.Message, error);
                }
            }
        }

        if (logged > FailuresLoggedPerPass)
        {
            LogMoreFailures(_logger, logged - FailuresLoggedPerPass);
        }

        if (failed > 0)
        {
            _loggedEditErrors = errors;
        }

        return failed;
    }

    private void ReportUnowned(IReadOnlyList<IpvsService> unowned)
    {
        if (unowned.Count != _lastUnownedCount && unowned.Count > 0 && _logger.IsEnabled(LogLevel.Information))
        {
            var shown = string.Join(", ", unowned.Take(10));
            LogUnowned(_logger, unowned.Count, shown);
        }

        _lastUnownedCount = unowned.Count;
    }

    /// <summary>Configured services by kernel key, rebuilt when the configuration changes.</summary>
    private Dictionary<ServiceKey, VirtualServerConfig> ConfigByKey(IReadOnlyList<VirtualServerConfig> virtualServers)
    {
        if (_configByKey is { } cached && ReferenceEquals(cached.Source, virtualServers))
        {
            return cached.ByKey;
        }

        var byKey = new Dictionary<ServiceKey, VirtualServerConfig>(virtualServers.Count);
        foreach (var virtualServer in virtualServers)
        {
            byKey.TryAdd(ServiceKey.Of(ServiceMapping.ToService(virtualServer)), virtualServer);
        }

        _configByKey = (virtualServers, byKey);
        return byKey;
    }

    private static Dictionary<IpvsOperationKind, int> CountByKind(IpvsPlan plan)
    {
        var counts = new Dictionary<IpvsOperationKind, int>();
        foreach (var operation in plan.Operations)
        {
            counts[operation.Kind] = counts.GetValueOrDefault(operation.Kind) + 1;
        }

        return counts;
    }

    private void Publish(IpvsReconcilerStatus status) => Volatile.Write(ref _status, status);
}
