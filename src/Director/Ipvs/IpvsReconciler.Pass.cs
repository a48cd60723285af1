using HaDirector.Director.Configuration;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

/// <summary>One reconcile pass: dump the kernel, plan, send one pipelined batch, publish the status.</summary>
public sealed partial class IpvsReconciler
{
    private async Task RunRequestedAsync()
    {
        while (true)
        {
            lock (_gate)
            {
                if (!_requested || _disposed)
                {
                    _workerRunning = false;
                    return;
                }

                _requested = false;
            }

            try
            {
                await RunRequestedPassAsync();
            }
            catch (Exception ex)
            {
                LogPassCrashed(_logger, ex);
            }
        }
    }

    /// <summary>A requested pass: health-only when it can be (IpvsReconciler.Targeted.cs), else full.</summary>
    private async Task RunRequestedPassAsync()
    {
        await _passGate.WaitAsync();
        try
        {
            if (!TryRunTargetedPass())
            {
                RunPass();
            }
        }
        finally
        {
            _passGate.Release();
        }
    }

    /// <summary>One full pass; the caller holds <see cref="_passGate"/>.</summary>
    private void RunPass()
    {
        PassInputs inputs;
        DesiredTable desired;
        DesiredTable target;
        HashSet<ServiceKey> owned = [];
        HashSet<ServiceKey> starting = [];
        IpvsRole role;
        lock (_gate)
        {
            inputs = CaptureInputs();
            desired = _desired ??= DesiredTable.Build(_virtualServers, _health, _drains);
            var warmStandby = _ipvs.WarmStandby;
            foreach (var key in desired.Keys)
            {
                // A service whose role is not known yet is left exactly as found (adopted, not written),
                // so a restarted master does not tear down and re-add what it is about to serve.
                (CurrentRole(key) == IpvsRole.Starting && !warmStandby ? starting : owned).Add(key);
            }

            owned.UnionWith(_retired);
            role = OwnedRole();
            target = Target(desired, warmStandby);
        }

        var started = _time.GetTimestamp();
        var status = Status;
        KernelTable dump;
        try
        {
            dump = Dump();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDumpFailed(_logger, ex);
            ForgetInputs();
            Publish(status with { Role = role, Passes = status.Passes + 1, FailedPasses = status.FailedPasses + 1, LastPassAt = _time.GetUtcNow() });
            return;
        }

        var plan = IpvsPlanner.Plan(target, dump, owned);
        var unowned = starting.Count == 0 ? plan.UnownedServices : [.. plan.UnownedServices.Where(s => !starting.Contains(ServiceKey.Of(s)))];
        var pending = starting.Count == 0 ? 0 : IpvsPlanner.Plan(new DesiredTable(desired.Services.Where(s => starting.Contains(s.Key))), dump, starting).Operations.Count;
        ReportUnowned(unowned);
        ForgetRetired(dump);
        if (starting.Count > 0 && (status.Passes == 0 || pending != status.PendingOperations))
        {
            var adopted = dump.Services.Count(s => starting.Contains(s.Key));
            LogAdopted(_logger, adopted, pending);
        }

        var failed = Execute(plan, out var batchFailed);
        var duration = _time.GetElapsedTime(started);
        var clean = failed == 0 && !batchFailed;
        lock (_gate)
        {
            _lastInputs = clean ? inputs : null;
            _lastFullPassAt = started;
        }

        // After a clean pass the owned services in the kernel are the target, edit for edit.
        _knownTarget = clean ? target : null;
        _knownSince.Clear();

        if (plan.IsEmpty)
        {
            LogPassClean(_logger, role, dump.Services.Count, duration.TotalMilliseconds);
        }
        else
        {
            LogPassApplied(_logger, role, plan.Operations.Count, failed, duration.TotalMilliseconds, dump.Services.Count, dump.DestinationCount);
        }

        Publish(Applied(status, plan, failed, batchFailed, duration) with
        {
            Role = role,
            PendingOperations = pending,
            LastDump = dump,
            UnownedServices = unowned,
        });
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

    /// <summary>
    /// The services to hold in the kernel: active ones, or every one with warm standby. Removing a
    /// standby service from the kernel is planning it owned but absent from the target.
    /// </summary>
    private DesiredTable Target(DesiredTable desired, bool warmStandby)
    {
        if (warmStandby || (_roles.Count == 0 && _defaultRole == IpvsRole.Active))
        {
            return desired;
        }

        return new DesiredTable(desired.Services.Where(s => CurrentRole(s.Key) == IpvsRole.Active));
    }

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
            LogBatchFailed(_logger, plan.Operations.Count, ex);
            batchFailed = true;
            return plan.Operations.Count;
        }

        var failed = 0;
        foreach (var result in results)
        {
            if (result.Error is { } error)
            {
                failed++;
                if (failed <= FailuresLoggedPerPass)
                {
                    LogOperationFailed(_logger, error.Message, error);
                }
            }
        }

        if (failed > FailuresLoggedPerPass)
        {
            LogMoreFailures(_logger, failed - FailuresLoggedPerPass);
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

    /// <summary>A service dropped by a reload stays owned until the kernel no longer has it.</summary>
    private void ForgetRetired(KernelTable dump)
    {
        lock (_gate)
        {
            if (_retired.Count > 0)
            {
                var present = dump.Services.Select(s => s.Key).ToHashSet();
                _retired.RemoveWhere(k => !present.Contains(k));
            }
        }
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
