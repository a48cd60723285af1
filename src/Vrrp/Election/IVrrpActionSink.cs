namespace HaDirector.Vrrp.Election;

/// <summary>
/// Carries out a machine's actions (sockets, netlink, GARP). Called by <see cref="VrrpInstanceDriver"/>
/// under its lock, one batch at a time, in order. Should not block for long: it delays the
/// instance's next timer. An exception is logged and counted, and the rest of the batch still runs.
/// </summary>
public interface IVrrpActionSink
{
    void Execute(VrrpInstanceOptions instance, VrrpAction action);

    /// <summary>
    /// Called by a backup's driver on its timer's thread, outside its lock, just before a timer expiry is processed: feed
    /// the driver (<see cref="VrrpInstanceDriver.Receive"/>) every advert the host has received but not yet processed.
    /// A stall of the whole process (a garbage collection on a starved core, SIGSTOP) holds the receive thread and the
    /// timer alike; when both wake, the expiry must not win the race against adverts already waiting in the socket —
    /// the master was alive all along. keepalived's single loop gets this by reading its sockets before its timers.
    /// </summary>
    void CatchUp()
    {
    }
}
