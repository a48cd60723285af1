using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

public sealed partial class SyncDaemonController
{
    [LoggerMessage(EventId = 3051, Level = LogLevel.Information, Message = "IPVS connection sync: {Role} daemon started on {InterfaceName}, sync id {SyncId}")]
    private static partial void LogStarted(ILogger logger, IpvsSyncState role, string interfaceName, int syncId);

    [LoggerMessage(EventId = 3052, Level = LogLevel.Information, Message = "IPVS connection sync: {Role} daemon stopped")]
    private static partial void LogStopped(ILogger logger, IpvsSyncState role);

    [LoggerMessage(EventId = 3053, Level = LogLevel.Error, Message = "IPVS connection sync: could not start the {Role} daemon on {InterfaceName}: {Message}")]
    private static partial void LogStartFailed(ILogger logger, IpvsSyncState role, string interfaceName, string message, Exception error);

    [LoggerMessage(EventId = 3054, Level = LogLevel.Error, Message = "IPVS connection sync: could not stop the {Role} daemon: {Message}")]
    private static partial void LogStopFailed(ILogger logger, IpvsSyncState role, string message, Exception error);
}
