namespace HaDirector.Vrrp.Election;

/// <summary>Why a <see cref="VrrpAction.StateChanged"/> happened.</summary>
public enum VrrpTransitionCause
{
    /// <summary>Start: Initialize → Backup, or → Master for the address owner (RFC 5798 §6.4.1).</summary>
    Startup,

    /// <summary>No advert from the master for Master_Down_Interval (RFC 5798 §6.4.2).</summary>
    MasterDownTimerExpired,

    /// <summary>A priority-0 advert cut the wait to Skew_Time and it ran out (RFC 5798 §6.4.2).</summary>
    PriorityZeroReceived,

    /// <summary>We ignored a lower-priority master's adverts (preempt) until Master_Down_Timer ran out.</summary>
    Preempted,

    /// <summary>The master heard a higher priority (RFC 5798 §6.4.3).</summary>
    HigherPriorityAdvert,

    /// <summary>The master heard its own priority from a greater primary address (RFC 5798 §6.4.3).</summary>
    EqualPriorityHigherAddress,

    /// <summary>Shutdown (RFC 5798 §6.4.2, §6.4.3).</summary>
    Shutdown,

    /// <summary>The interface went down: → Fault.</summary>
    InterfaceDown,

    /// <summary>The interface came back: Fault → Backup (or Master for the address owner).</summary>
    InterfaceUp,

    /// <summary>Operator's <c>hadirector failover</c>: the master sent priority 0 and holds Backup.</summary>
    ManualFailover,

    /// <summary>Operator's <c>hadirector resume</c> while we still held the addresses: back to Master.</summary>
    Resumed,

    /// <summary>No new master was heard after <c>hadirector failover</c>: this node, still holding the VIPs, is master again.</summary>
    FailoverUnanswered,

    /// <summary>A reload made this backup the address owner (priority 255): it takes over as at startup.</summary>
    Reconfigured,

    /// <summary>A tracker without a weight failed: → Fault.</summary>
    TrackerFault,

    /// <summary>Every tracker without a weight is up again: Fault → Backup (or Master for the address owner).</summary>
    TrackersRecovered,

    /// <summary>Another member of the instance's sync group moved and this one followed.</summary>
    SyncGroup,
}
