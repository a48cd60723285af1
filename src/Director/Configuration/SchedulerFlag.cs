namespace HaDirector.Director.Configuration;

/// <summary>
/// A virtual server's <c>schedulerFlags</c> item: a flag of IPVS's <c>mh</c> (Maglev) scheduler, as <c>ipvsadm -b</c>
/// and keepalived name them. The kernel keeps them in the service's flags (IP_VS_SVC_F_SCHED_MH_*).
/// </summary>
public enum SchedulerFlag
{
    /// <summary><c>mh-fallback</c>: a flow that hashes to a real server with weight 0 goes to another one (else it fails).</summary>
    MhFallback,

    /// <summary><c>mh-port</c>: hash the client's port as well as its address.</summary>
    MhPort,
}
