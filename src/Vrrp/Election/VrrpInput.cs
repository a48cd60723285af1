using System.Net;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Election;

/// <summary>What a host feeds to <see cref="VrrpStateMachine.Step"/>.</summary>
public abstract record VrrpInput
{
    private VrrpInput()
    {
    }

    /// <summary>RFC 5798 §6.4.1 Startup event.</summary>
    public sealed record Start : VrrpInput;

    /// <summary>RFC 5798 Shutdown event: a master sends priority 0 and leaves; → Initialize.</summary>
    public sealed record Shutdown : VrrpInput;

    /// <summary>The host's timer fired; the machine compares "now" with its own deadline.</summary>
    public sealed record TimerElapsed : VrrpInput;

    /// <summary>
    /// A validated advert for this instance (see <see cref="VrrpAdvertValidator"/>): the sender's
    /// primary address (the IP source), its priority and its advertised interval.
    /// </summary>
    public sealed record AdvertReceived(IPAddress Source, byte Priority, TimeSpan AdvertInterval) : VrrpInput
    {
        public static AdvertReceived From(VrrpDatagram datagram)
        {
            ArgumentNullException.ThrowIfNull(datagram);
            return new(datagram.Source, datagram.Packet.Priority, datagram.Packet.AdvertInterval);
        }
    }

    public sealed record InterfaceUp : VrrpInput;

    public sealed record InterfaceDown : VrrpInput;

    /// <summary>A tracker without a weight failed: → Fault as for a link down (keepalived's FAULT).</summary>
    public sealed record TrackingFault : VrrpInput;

    /// <summary>Every tracker without a weight is up again: Fault → Backup, unless the link is still down.</summary>
    public sealed record TrackingRecovered : VrrpInput;

    /// <summary>Sync group: another member faulted on its own; this one follows into Fault.</summary>
    public sealed record SyncFault : VrrpInput;

    /// <summary>Sync group: no member is faulted on its own any more; Fault → Backup unless this one still is.</summary>
    public sealed record SyncRecovered : VrrpInput;

    /// <summary>Sync group: another member left Master for Backup; a master follows (no priority 0: the group's peer takes over as one).</summary>
    public sealed record SyncBackup : VrrpInput;

    /// <summary>Sync group: another member became master; a backup that was waiting for the group (<see cref="VrrpStateMachine.WantsMaster"/>) follows.</summary>
    public sealed record SyncMaster : VrrpInput;

    /// <summary>Maintenance handover: a master sends priority 0 and holds Backup until <see cref="Resume"/>.</summary>
    public sealed record Failover : VrrpInput;

    /// <summary>Ends a <see cref="Failover"/> hold.</summary>
    public sealed record Resume : VrrpInput;

    /// <summary>
    /// A <see cref="Failover"/> that no new master answered in time, while this node still holds the addresses
    /// (make-before-break): back to Master and its adverts, or with <paramref name="Release"/> (<c>--force</c>) the
    /// addresses go and the node stays held, handing over to nobody. Nothing happens once a new master was heard.
    /// </summary>
    public sealed record FailoverUnanswered(bool Release) : VrrpInput;

    /// <summary>
    /// A configuration reload changed this instance's parameters, not its identity (same VRID and version): the
    /// machine keeps its state and takes the new ones (see <see cref="VrrpStateMachine.CanReconfigure"/>).
    /// </summary>
    public sealed record Reconfigure(VrrpInstanceOptions Options) : VrrpInput;
}
