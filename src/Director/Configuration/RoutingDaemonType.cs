namespace HaDirector.Director.Configuration;

/// <summary>The routing daemon on this director whose sessions status shows (<c>announce.routingDaemon.type</c>).</summary>
public enum RoutingDaemonType
{
    /// <summary>BIRD 2: read over its control socket (the protocol <c>birdc</c> speaks).</summary>
    Bird,

    /// <summary>FRR: read with <c>vtysh -c '... json'</c>.</summary>
    Frr,
}
