namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// A connect that a lane starts on <see cref="ConnectEngine"/>'s thread (<see cref="ConnectEngine.Start"/>): where it
/// goes, prepared once, and who hears the outcome. Everything about it happens on the engine's thread.
/// </summary>
internal interface IConnectInFlight
{
    /// <summary>struct sockaddr_in or sockaddr_in6 of the real server.</summary>
    ReadOnlySpan<byte> TargetAddress { get; }

    /// <summary>The configured source's sockaddr (port 0), or empty: the kernel picks by route.</summary>
    ReadOnlySpan<byte> SourceAddress { get; }

    /// <summary>The engine's slot for the descriptor while connecting; -1 when it holds none.</summary>
    int Slot { get; set; }

    /// <summary>The outcome, once per start: connected, refused, a local error. A timeout is the lane's (<see cref="ConnectEngine.Abandon"/>).</summary>
    void Complete(in ProbeResult result);
}
