using HaDirector.Vrrp.Election;

namespace HaDirector.Vrrp.Tracking;

/// <summary>
/// keepalived's <c>vrrp_sync_group</c> as a pure policy: members move together. One faulting on its own puts the others
/// in Fault until no member is faulted on its own; one leaving Master for Backup takes the other masters with it (a
/// manual failover hands them over as it is handed over); one becoming master takes the members waiting for the group
/// (<see cref="VrrpStateMachine.WantsMaster"/>); and a member becomes master only when every other one could
/// (<see cref="MayBecomeMaster"/>). Moves a member made because of the group (cause <see cref="VrrpTransitionCause.SyncGroup"/>)
/// are not passed on again. Not thread-safe: one transition at a time.
/// </summary>
public sealed class SyncGroup
{
    private readonly HashSet<string> _ownFaults = new(StringComparer.Ordinal);

    public SyncGroup(string name, IReadOnlyList<string> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        Name = name;
        Members = members;
    }

    public string Name { get; }

    public IReadOnlyList<string> Members { get; }

    /// <summary>The inputs the other members get after <paramref name="member"/>'s transition, in order.</summary>
    public IReadOnlyList<(string Member, VrrpInput Input)> OnTransition(string member, VrrpAction.StateChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        VrrpInput? input = null;
        if (change.To == VrrpState.Fault && change.Cause != VrrpTransitionCause.SyncGroup)
        {
            var first = _ownFaults.Count == 0;
            _ownFaults.Add(member);
            input = first ? new VrrpInput.SyncFault() : null;
        }
        else if (change.From == VrrpState.Fault && change.To != VrrpState.Fault)
        {
            input = _ownFaults.Remove(member) && _ownFaults.Count == 0 ? new VrrpInput.SyncRecovered() : null;
        }
        else if (change.Cause == VrrpTransitionCause.SyncGroup)
        {
            input = null;
        }
        else if (change is { From: VrrpState.Master, To: VrrpState.Backup, Cause: VrrpTransitionCause.ManualFailover })
        {
            // `hadirector failover` hands the group over as one: each member sends priority 0 (the peer's member takes
            // over at Skew_Time), keeps its VIPs until the new master is heard, and is held until resumed. SyncBackup
            // would drop the members' VIPs at once and leave the peer to wait a Master_Down_Interval for them.
            input = new VrrpInput.Failover();
        }
        else if (change is { From: VrrpState.Master, To: VrrpState.Backup })
        {
            input = new VrrpInput.SyncBackup();
        }
        else if (change.To == VrrpState.Master)
        {
            input = new VrrpInput.SyncMaster();
        }

        return input is null ? [] : [.. Members.Where(m => m != member).Select(m => (m, input))];
    }

    /// <summary>Whether <paramref name="member"/> may become master: every other member is master or waiting to be.</summary>
    public bool MayBecomeMaster(string member, Func<string, (VrrpState State, bool WantsMaster)> view)
    {
        ArgumentNullException.ThrowIfNull(view);
        foreach (var other in Members)
        {
            if (other != member && view(other) is not ({ State: VrrpState.Master } or { State: VrrpState.Backup, WantsMaster: true }))
            {
                return false;
            }
        }

        return true;
    }
}
