namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// A connect that a lane starts on <see cref="ConnectEngine"/>'s thread (<see cref="ConnectEngine.Start"/>): where it
/// goes, prepared once, what it says once connected (nothing: the connect is the check), and who hears the outcome.
/// Everything about it happens on the engine's thread.
/// </summary>
internal interface IConnectInFlight
{
    /// <summary>struct sockaddr_in or sockaddr_in6 of the real server.</summary>
    ReadOnlySpan<byte> TargetAddress { get; }

    /// <summary>The configured source's sockaddr (port 0), or empty: the kernel picks by route.</summary>
    ReadOnlySpan<byte> SourceAddress { get; }

    /// <summary>The engine's slot for the descriptor while connecting; -1 when it holds none.</summary>
    int Slot { get; set; }

    /// <summary>Sent once connected, and the answer read (<see cref="Room"/>, <see cref="Received"/>); empty: connected is up.</summary>
    ReadOnlySpan<byte> Request { get; }

    /// <summary>Where the answer's next bytes go; never empty while <see cref="Received"/> has not judged.</summary>
    Span<byte> Room();

    /// <summary><paramref name="read"/> more bytes of the answer arrived (0: the server closed).</summary>
    /// <returns>The outcome once judged; null: read on.</returns>
    ProbeResult? Received(int read);

    /// <summary>The outcome, once per start: connected (or answered), refused, a local error. A timeout is the lane's (<see cref="ConnectEngine.Abandon"/>).</summary>
    void Complete(in ProbeResult result);
}
