using System.Net.Sockets;
using System.Security.Authentication;

namespace HaDirector.HealthCheck.Probes;

/// <summary>The one place an exception from a probe's I/O becomes a down result.</summary>
public static class ProbeFailure
{
    public static ProbeResult From(Exception error, CancellationToken cancellationToken) =>
        ProbeResult.Failure(Reason(error, cancellationToken));

    public static string Reason(Exception error, CancellationToken cancellationToken) => error switch
    {
        // The token only fires on the probe's timeout; a cancellation raised as another type still is one.
        _ when cancellationToken.IsCancellationRequested => ProbeReasons.TimedOut,
        SocketException s => s.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => ProbeReasons.Refused,
            SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => ProbeReasons.Reset,
            SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown => ProbeReasons.Unreachable,
            SocketError.TimedOut => ProbeReasons.TimedOut,
            _ => "socket error: " + s.SocketErrorCode,
        },
        IOException { InnerException: SocketException inner } => Reason(inner, cancellationToken),
        AuthenticationException a => "TLS failed: " + (a.InnerException?.Message ?? a.Message),
        IOException io => "I/O error: " + io.Message,
        OperationCanceledException => ProbeReasons.TimedOut,
        _ => $"probe failed: {error.GetType().Name}: {error.Message}",
    };
}
