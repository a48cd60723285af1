using Microsoft.Extensions.Logging;

namespace HaDirector.Vrrp.Election;

public sealed partial class VrrpInstanceDriver
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "VRRP instance {Instance}: {From} -> {To} ({Cause})")]
    private partial void LogStateChanged(string instance, VrrpState from, VrrpState to, VrrpTransitionCause cause);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "VRRP instance {Instance}: action {Action} failed")]
    private partial void LogSinkFailed(string instance, VrrpAction action, Exception exception);
}
