using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

public sealed partial class IpvsKernelParameters
{
    [LoggerMessage(EventId = 3060, Level = LogLevel.Information, Message = "IPVS: net.ipv4.vs.{Name} set to {Value} (was '{Previous}')")]
    private static partial void LogSet(ILogger logger, string name, string value, string previous);

    [LoggerMessage(EventId = 3061, Level = LogLevel.Error, Message = "IPVS: could not set net.ipv4.vs.{Name} to {Value}: {Message}")]
    private static partial void LogSetFailed(ILogger logger, string name, string value, string message);
}
