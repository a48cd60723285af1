namespace HaDirector.Director.Ipvs;

/// <summary>What the reconciler does with the services it owns, following the VRRP state.</summary>
public enum IpvsRole
{
    /// <summary>
    /// Before VRRP has decided: the table is read and adopted, not written (unless warm standby keeps it
    /// programmed anyway), so a restarted master does not tear down and re-add what it is about to serve.
    /// </summary>
    Starting,

    /// <summary>Master: owned services are kept equal to the desired table.</summary>
    Active,

    /// <summary>Not master: owned services are removed, or kept programmed with <c>ipvs.warmStandby</c>.</summary>
    Standby,
}
