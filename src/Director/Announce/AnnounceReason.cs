namespace HaDirector.Director.Announce;

/// <summary>Whether this director announces a VIP, and if not, why not (status and metrics show it).</summary>
public enum AnnounceReason
{
    /// <summary>The route is in the table: the routing daemon announces this director as a next hop.</summary>
    Announcing,

    /// <summary>The daemon is stopping: withdrawn first, so the router moves flows before forwarding ends.</summary>
    Stopping,

    /// <summary><c>hadirector failover</c>: withdrawn until <c>hadirector resume</c>; IPVS keeps forwarding what still arrives.</summary>
    Maintenance,

    /// <summary>A tracker the VIP follows is down.</summary>
    TrackerDown,

    /// <summary>A virtual server on the VIP has fewer real servers up than <c>minHealthy</c>.</summary>
    NoHealthyRealServer,

    /// <summary>Everything is good again, but not yet for <c>holdDown</c> (hysteresis against a flapping check).</summary>
    HoldDown,
}
