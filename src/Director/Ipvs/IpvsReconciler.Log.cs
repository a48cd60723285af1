using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

public sealed partial class IpvsReconciler
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "IPVS reconcile ({Role}): {Operations} edits, {Failed} failed, in {DurationMs:F1} ms; kernel had {Services} services, {Destinations} destinations")]
    private static partial void LogPassApplied(ILogger logger, IpvsRole role, int operations, int failed, double durationMs, int services, int destinations);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "IPVS reconcile ({Role}): no change, {Services} services checked in {DurationMs:F1} ms")]
    private static partial void LogPassClean(ILogger logger, IpvsRole role, int services, double durationMs);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "IPVS edit failed, retried each pass (logged again when it changes): {Message}")]
    private static partial void LogOperationFailed(ILogger logger, string message, IpvsErrorException error);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "{More} more IPVS edits failed in this pass (not logged one by one)")]
    private static partial void LogMoreFailures(ILogger logger, int more);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "IPVS reconcile could not read the kernel table: {Error}; retried each pass (logged again when the error changes)")]
    private static partial void LogDumpFailed(ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "IPVS reconcile could not send its {Operations} edits: {Error}; retried each pass (logged again when the error changes)")]
    private static partial void LogBatchFailed(ILogger logger, int operations, string error, Exception exception);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "{Count} IPVS services in the kernel are not in the configuration and are left alone: {Services}")]
    private static partial void LogUnowned(ILogger logger, int count, string services);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "adopted the kernel's IPVS table: {Owned} owned services found, {Pending} edits wait for the VRRP role")]
    private static partial void LogAdopted(ILogger logger, int owned, int pending);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "IPVS role {From} -> {To}")]
    private static partial void LogRole(ILogger logger, IpvsRole from, IpvsRole to);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Error, Message = "IPVS reconcile pass failed unexpectedly")]
    private static partial void LogPassCrashed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 5200, Level = LogLevel.Information, Message = "IPVS reconcile works again after {FailedPasses} failed pass(es)")]
    private static partial void LogRecovered(ILogger logger, int failedPasses);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "IPVS reconcile: no virtual servers left in the configuration or the kernel; periodic passes stopped")]
    private static partial void LogPassesStopped(ILogger logger);
}
