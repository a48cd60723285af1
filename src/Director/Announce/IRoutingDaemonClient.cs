namespace HaDirector.Director.Announce;

/// <summary>Reads the routing daemon's BGP and BFD sessions (BIRD's control socket, FRR's vtysh); the seam tests replace.</summary>
public interface IRoutingDaemonClient
{
    /// <summary>One read; an unreachable or unexpected daemon is an <see cref="IOException"/> saying what went wrong.</summary>
    Task<RoutingDaemonSnapshot> ReadAsync(CancellationToken cancellationToken);
}
