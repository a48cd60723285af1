using HaDirector.Director.Ipvs;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Health;

public sealed partial class HealthService
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "real server {RealServer} of {VirtualServer} is {State}: {Reason} ({LatencyMs:F1} ms)")]
    private static partial void LogStateChanged(ILogger logger, DestinationKey realServer, string virtualServer, HealthState state, string reason, double latencyMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "real server {RealServer} of {VirtualServer}: weight {Weight} ({Reason})")]
    private static partial void LogWeightChanged(ILogger logger, DestinationKey realServer, string virtualServer, WeightReport weight, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "health checks: {Added} added, {Replaced} changed, {Removed} removed, {Kept} kept")]
    private static partial void LogReconfigured(ILogger logger, int added, int replaced, int removed, int kept);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "check {Check} of real server {RealServer} of {VirtualServer} is {State}: {Reason}")]
    private static partial void LogCheckStateChanged(ILogger logger, string check, DestinationKey realServer, string virtualServer, HealthState state, string reason);
}
