namespace HaDirector.Director.Ipvs;

/// <summary>
/// Where health verdicts go: the IPVS reconciler (its <see cref="IpvsReconciler.SetHealth"/> has this shape).
/// Called from health workers, only when a verdict changes; must be cheap. The IPVS reconciler, when idle, sends
/// the one edit on the caller's thread (one netlink round trip, under a millisecond) instead of waking its worker.
/// </summary>
public interface IRealServerHealthSink
{
    /// <param name="health">Null: no verdict, the configured weight applies.</param>
    void SetHealth(RealServerId realServer, RealServerHealth? health);
}
