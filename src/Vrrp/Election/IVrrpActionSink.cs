namespace HaDirector.Vrrp.Election;

/// <summary>
/// Carries out a machine's actions (sockets, netlink, GARP). Called by <see cref="VrrpInstanceDriver"/>
/// under its lock, one batch at a time, in order. Should not block for long: it delays the
/// instance's next timer. An exception is logged and counted, and the rest of the batch still runs.
/// </summary>
public interface IVrrpActionSink
{
    void Execute(VrrpInstanceOptions instance, VrrpAction action);
}
