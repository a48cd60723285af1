using System.Net;
using HaDirector.Vrrp.Protocol;
using static HaDirector.Vrrp.Election.VrrpAction;

namespace HaDirector.Vrrp.Election;

/// <summary>
/// The RFC 5798 §6 election for one instance, as a pure step function: <see cref="Step"/> takes an
/// input and returns the actions the host must perform, in order. No I/O and no timers: the
/// machine reads "now" from the injected <see cref="TimeProvider"/> and exposes its one deadline
/// (<see cref="NextDeadline"/>) so the host can arm a timer and feed <see cref="VrrpInput.TimerElapsed"/>.
/// Not thread-safe: serialize calls (<see cref="VrrpInstanceDriver"/> does).
/// </summary>
/// <remarks>
/// Choices where the RFC is silent or keepalived differs, all following keepalived 2.2.7:
/// a master that hears a lower, non-zero priority sends an advert at once (so a peer that took
/// over during a partition sees us and yields) and restarts its Adver_Timer; a v3 backup adopts the
/// master's interval only from adverts it accepts; a priority-0 advert never changes the interval;
/// preemptDelay counts from the first lower-priority advert. Where we differ from both: a new master announces its
/// addresses (gratuitous ARP, unsolicited NA) before its first advert (see BecomeMaster; keepalived 2.4's
/// vrrp_state_master_tx advertises first); a preempting backup that hears a lower priority takes over at Skew_Time, not
/// Master_Down_Interval (see BackupReceive); a v3 backup adopts at most
/// <see cref="VrrpInstanceOptions.LearnedIntervalLimit"/> (see Learn). On Shutdown the priority-0 advert goes
/// out before the addresses are removed: it is what lets the peer take over after Skew_Time.
/// </remarks>
public sealed class VrrpStateMachine
{
    private static readonly SendAdvert SendStop = new(VrrpPacket.PriorityStop);

    private readonly TimeProvider _time;

    // Reused by every step: a master's Adver_Timer steps 50 times a second at 20 ms, and a fresh list and action per
    // advert were garbage the daemon had to collect (see StepShared).
    private readonly List<VrrpAction> _actions = [];
    private SendAdvert _sendOwn;
    private UInt128 _primaryAddress;
    private long? _deadline;
    private VrrpTransitionCause _downCause = VrrpTransitionCause.MasterDownTimerExpired;
    private long? _preemptAt;
    private bool _linkUp = true;
    private bool _trackingFault;
    private bool _groupFault;
    private bool _wantsMaster;
    private TimeSpan? _limitedFrom;

    public VrrpStateMachine(VrrpInstanceOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        Options = options;
        _time = timeProvider;
        _primaryAddress = VrrpAddress.ToNumber(options.PrimaryAddress);
        _sendOwn = new SendAdvert(options.Priority);
        MasterAdvertInterval = options.AdvertInterval;
    }

    public VrrpInstanceOptions Options { get; private set; }

    public VrrpState State { get; private set; } = VrrpState.Initialize;

    /// <summary>After a manual failover: Backup is held (no Master_Down_Timer) until Resume.</summary>
    public bool IsHeld { get; private set; }

    /// <summary>
    /// A sync group member's gate: whether every other member could become master now. Null (alone): always. Read on
    /// the machine's own thread when its Master_Down_Timer runs out; it must not block.
    /// </summary>
    public Func<bool>? MasterGate { get; set; }

    /// <summary>A backup whose Master_Down_Timer ran out while <see cref="MasterGate"/> held it (keepalived's wantstate MASTER).</summary>
    /// <remarks>Read lock-free by the other members' gates (each machine runs on its own driver's lock).</remarks>
    public bool WantsMaster
    {
        get => Volatile.Read(ref _wantsMaster);
        private set => Volatile.Write(ref _wantsMaster, value);
    }

    /// <summary>Whether the virtual addresses are ours: in Master, or held by make-before-break.</summary>
    public bool HoldsAddresses { get; private set; }

    /// <summary>RFC 5798 Master_Adver_Interval: ours, or in v3 the current master's as last accepted.</summary>
    public TimeSpan MasterAdvertInterval { get; private set; }

    /// <summary>The current master's primary address as last heard (ours in Master), or null.</summary>
    public IPAddress? MasterAddress { get; private set; }

    /// <summary>The current master's priority as last heard (ours in Master); 0 when unknown.</summary>
    public byte MasterPriority { get; private set; }

    public TimeSpan SkewTime => VrrpTimers.SkewTime(Options.Version, Options.Priority, MasterAdvertInterval);

    public TimeSpan MasterDownInterval => VrrpTimers.MasterDownInterval(Options.Version, Options.Priority, MasterAdvertInterval);

    /// <summary>
    /// When the running timer (Master_Down_Timer in Backup, Adver_Timer in Master) expires, as a
    /// <see cref="TimeProvider.GetTimestamp"/> value; null when no timer runs.
    /// </summary>
    public long? NextDeadline => _deadline;

    /// <summary>Time left until <see cref="NextDeadline"/> (zero when due); null when no timer runs.</summary>
    public TimeSpan? GetTimeUntilNextDeadline()
    {
        if (_deadline is not { } deadline)
        {
            return null;
        }

        long now = _time.GetTimestamp();
        return deadline <= now ? TimeSpan.Zero : _time.GetElapsedTime(now, deadline);
    }

    public IReadOnlyList<VrrpAction> Step(VrrpInput input)
    {
        var actions = StepShared(input);
        return actions.Count == 0 ? [] : [.. actions];
    }

    /// <summary>
    /// <see cref="Step"/> without a copy: the list is the machine's own and the next step overwrites it, so the caller
    /// must be done with it first (<see cref="VrrpInstanceDriver"/> is: it runs a batch before it steps again). The
    /// steady master's Adver_Timer then allocates nothing.
    /// </summary>
    internal List<VrrpAction> StepShared(VrrpInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var actions = _actions;
        actions.Clear();
        switch (input)
        {
            case VrrpInput.Start:
                if (State == VrrpState.Initialize)
                {
                    Initialize(actions, VrrpTransitionCause.Startup);
                }

                break;
            case VrrpInput.Shutdown:
                ShutDown(actions);
                break;
            case VrrpInput.TimerElapsed:
                OnTimer(actions);
                break;
            case VrrpInput.AdvertReceived advert when State == VrrpState.Backup:
                BackupReceive(actions, advert);
                break;
            case VrrpInput.AdvertReceived advert when State == VrrpState.Master:
                MasterReceive(actions, advert);
                break;
            case VrrpInput.InterfaceDown:
                _linkUp = false;
                if (State is VrrpState.Backup or VrrpState.Master)
                {
                    Leave(actions, VrrpState.Fault, VrrpTransitionCause.InterfaceDown);
                }

                break;
            case VrrpInput.InterfaceUp:
                _linkUp = true;
                if (State == VrrpState.Fault && !Faulted)
                {
                    Initialize(actions, VrrpTransitionCause.InterfaceUp);
                }

                break;
            case VrrpInput.SyncFault:
                _groupFault = true;
                if (State is VrrpState.Backup or VrrpState.Master)
                {
                    LeaveForFault(actions, VrrpTransitionCause.SyncGroup);
                }

                break;
            case VrrpInput.SyncRecovered:
                _groupFault = false;
                if (State == VrrpState.Fault && !Faulted)
                {
                    Initialize(actions, VrrpTransitionCause.SyncGroup);
                }

                break;
            case VrrpInput.SyncBackup:
                if (State == VrrpState.Master)
                {
                    SyncBackup(actions);
                }

                break;
            case VrrpInput.SyncMaster:
                if (State == VrrpState.Backup && WantsMaster && !IsHeld)
                {
                    BecomeMaster(actions, VrrpTransitionCause.SyncGroup);
                }

                break;
            case VrrpInput.TrackingFault:
                _trackingFault = true;
                if (State is VrrpState.Backup or VrrpState.Master)
                {
                    // The link still works: a master resigns with priority 0, so the peer waits only Skew_Time.
                    LeaveForFault(actions, VrrpTransitionCause.TrackerFault);
                }

                break;
            case VrrpInput.TrackingRecovered:
                _trackingFault = false;
                if (State == VrrpState.Fault && !Faulted)
                {
                    Initialize(actions, VrrpTransitionCause.TrackersRecovered);
                }

                break;
            case VrrpInput.Failover:
                Failover(actions);
                break;
            case VrrpInput.Resume:
                Resume(actions);
                break;
            case VrrpInput.FailoverUnanswered unanswered:
                FailoverUnanswered(actions, unanswered.Release);
                break;
            case VrrpInput.Reconfigure reconfigure:
                Reconfigure(actions, reconfigure.Options);
                break;
        }

        return actions;
    }

    /// <summary>
    /// Whether <paramref name="next"/> can replace <paramref name="current"/> in a running machine: the same virtual
    /// router (VRID and version) with valid parameters. Otherwise the instance must be shut down and started anew.
    /// </summary>
    public static bool CanReconfigure(VrrpInstanceOptions current, VrrpInstanceOptions next) =>
        current.VirtualRouterId == next.VirtualRouterId && current.Version == next.Version && next.Validate().Count == 0;

    /// <summary>
    /// A reload: the state stays (no flap). A master takes its new addresses (added before, removed after the
    /// advert), advertises its new priority and interval at once so peers decide on them now, and announces new
    /// addresses by gratuitous ARP; a backup keeps its timer and applies the new priority to the next adverts it
    /// hears (an owner, priority 255, takes over at once as at startup).
    /// </summary>
    private void Reconfigure(List<VrrpAction> actions, VrrpInstanceOptions next)
    {
        if (!CanReconfigure(Options, next))
        {
            throw new ArgumentException($"{next.Name}: a new VRID or version is a new instance, not a reconfiguration", nameof(next));
        }

        var before = Options;
        Options = next;
        _primaryAddress = VrrpAddress.ToNumber(next.PrimaryAddress);
        if (_sendOwn.Priority != next.Priority)
        {
            _sendOwn = new SendAdvert(next.Priority);
        }

        var added = next.HeldAddresses.Except(before.HeldAddresses).ToList();
        var removed = before.HeldAddresses.Except(next.HeldAddresses).ToList();
        if (State == VrrpState.Master)
        {
            if (added.Count > 0)
            {
                actions.Add(new AddVirtualAddresses(added));
            }

            SendAdvert(actions);
            MasterAdvertInterval = next.AdvertInterval;
            MasterAddress = next.PrimaryAddress;
            MasterPriority = next.Priority;
            if (removed.Count > 0)
            {
                actions.Add(new RemoveVirtualAddresses(removed));
            }

            if (added.Count > 0)
            {
                actions.Add(new StartGratuitousArp(next.HeldAddresses));
            }

            return;
        }

        if (HoldsAddresses && (added.Count > 0 || removed.Count > 0))
        {
            // Make-before-break after a failover: the copy we still hold follows the new set until it is dropped.
            if (added.Count > 0)
            {
                actions.Add(new AddVirtualAddresses(added));
            }

            if (removed.Count > 0)
            {
                actions.Add(new RemoveVirtualAddresses(removed));
            }
        }

        if (State == VrrpState.Backup)
        {
            if (next.Version == VrrpVersion.V2)
            {
                MasterAdvertInterval = next.AdvertInterval;
            }

            if (next.Priority == VrrpPacket.PriorityOwner && !IsHeld)
            {
                BecomeMaster(actions, VrrpTransitionCause.Reconfigured);
            }
            else if (!next.Preempt || next.PreemptDelay != before.PreemptDelay)
            {
                _preemptAt = null;
            }
        }
    }

    /// <summary>RFC 5798 §6.4.1, also used when the link returns.</summary>
    private void Initialize(List<VrrpAction> actions, VrrpTransitionCause cause)
    {
        if (Faulted)
        {
            var why = !_linkUp ? VrrpTransitionCause.InterfaceDown : _trackingFault ? VrrpTransitionCause.TrackerFault : VrrpTransitionCause.SyncGroup;
            Transition(actions, VrrpState.Fault, why);
            return;
        }

        MasterAdvertInterval = Options.AdvertInterval;
        if (Options.Priority == VrrpPacket.PriorityOwner && !IsHeld)
        {
            BecomeMaster(actions, cause);
            return;
        }

        Transition(actions, VrrpState.Backup, cause);
        if (!IsHeld)
        {
            ArmMasterDown(MasterDownInterval, VrrpTransitionCause.MasterDownTimerExpired);
        }
    }

    private void OnTimer(List<VrrpAction> actions)
    {
        if (_deadline is not { } deadline || _time.GetTimestamp() < deadline)
        {
            return;
        }

        if (State == VrrpState.Backup)
        {
            if (MasterGate is { } gate && !gate())
            {
                // keepalived's vrrp_sync_can_goto_master: wait for the whole group rather than thrash; a member that
                // becomes master sends SyncMaster, an advert heard meanwhile clears the wish.
                ArmMasterDown(MasterDownInterval, _downCause);
                WantsMaster = true;
                // A copy kept by SyncBackup that no new master took over: this node is not to be master, so it goes.
                ReleaseAddresses(actions, stopArp: false);
                return;
            }

            // RFC 5798 §6.4.2: Master_Down_Timer fired.
            BecomeMaster(actions, _downCause);
        }
        else if (State == VrrpState.Master)
        {
            // RFC 5798 §6.4.3: Adver_Timer fired.
            SendAdvert(actions, due: deadline);
        }
    }

    /// <summary>RFC 5798 §6.4.2, "If an ADVERTISEMENT is received".</summary>
    private void BackupReceive(List<VrrpAction> actions, VrrpInput.AdvertReceived advert)
    {
        if (advert.Priority == VrrpPacket.PriorityStop)
        {
            // The master is leaving: whoever has the highest priority (shortest skew) takes over.
            if (!IsHeld)
            {
                ArmMasterDown(SkewTime, VrrpTransitionCause.PriorityZeroReceived);
            }

            return;
        }

        if (HoldsAddresses)
        {
            // Make-before-break: the new master is advertising, so our copy of the addresses can go.
            HoldsAddresses = false;
            actions.Add(new RemoveVirtualAddresses(Options.HeldAddresses));
        }

        long now = _time.GetTimestamp();
        bool lower = advert.Priority < Options.Priority;
        bool waitingToPreempt = Options.PreemptDelay > TimeSpan.Zero && (_preemptAt is null || now < _preemptAt);
        if (!Options.Preempt || !lower || waitingToPreempt || IsHeld)
        {
            if (Options.Version == VrrpVersion.V3)
            {
                MasterAdvertInterval = Learn(actions, advert);
            }

            MasterAddress = advert.Source;
            MasterPriority = advert.Priority;
            if (Options.PreemptDelay > TimeSpan.Zero)
            {
                _preemptAt = !lower ? null : _preemptAt ?? now + ToTimestampTicks(Options.PreemptDelay);
            }

            if (!IsHeld)
            {
                ArmMasterDown(MasterDownInterval, VrrpTransitionCause.MasterDownTimerExpired);
            }

            return;
        }

        // Preempt_Mode and a lower priority: the RFC discards it and lets Master_Down_Timer run out (as keepalived
        // does). We take over at Skew_Time instead, as for priority 0: a master whose tracker lowered its priority
        // below ours is telling us it should not be master, so the handover costs skew + at most one interval, not
        // Master_Down_Interval. Never later than the timer already armed; the higher of several backups still wins.
        var atSkew = now + ToTimestampTicks(SkewTime);
        if (_deadline is not { } armed || atSkew < armed)
        {
            ArmMasterDown(SkewTime, VrrpTransitionCause.Preempted);
        }
        else
        {
            _downCause = VrrpTransitionCause.Preempted;
        }
    }

    /// <summary>
    /// RFC 5798 §6.4.2: a v3 backup adopts the master's interval, bounded by <see cref="VrrpInstanceOptions.LearnedIntervalLimit"/>:
    /// a forged 40.95 s advert followed by silence then costs 3 × the limit without a master, not two minutes.
    /// </summary>
    private TimeSpan Learn(List<VrrpAction> actions, VrrpInput.AdvertReceived advert)
    {
        if (Options.LearnedIntervalLimit is not { } limit || advert.AdvertInterval <= limit)
        {
            _limitedFrom = null;
            return advert.AdvertInterval;
        }

        if (_limitedFrom != advert.AdvertInterval)
        {
            _limitedFrom = advert.AdvertInterval;
            actions.Add(new LimitLearnedInterval(advert.Source, advert.AdvertInterval, limit));
        }

        return limit;
    }

    /// <summary>RFC 5798 §6.4.3, "If an ADVERTISEMENT is received".</summary>
    private void MasterReceive(List<VrrpAction> actions, VrrpInput.AdvertReceived advert)
    {
        if (advert.Priority == VrrpPacket.PriorityStop)
        {
            SendAdvert(actions);
            return;
        }

        var source = VrrpAddress.ToNumber(advert.Source);
        if (advert.Priority > Options.Priority || (advert.Priority == Options.Priority && source > _primaryAddress))
        {
            var cause = advert.Priority > Options.Priority
                ? VrrpTransitionCause.HigherPriorityAdvert
                : VrrpTransitionCause.EqualPriorityHigherAddress;
            Leave(actions, VrrpState.Backup, cause);
            if (Options.Version == VrrpVersion.V3)
            {
                MasterAdvertInterval = Learn(actions, advert);
            }

            MasterAddress = advert.Source;
            MasterPriority = advert.Priority;
            ArmMasterDown(MasterDownInterval, VrrpTransitionCause.MasterDownTimerExpired);
            return;
        }

        if (source != _primaryAddress)
        {
            // RFC: discard. keepalived: advertise at once so the lower router yields sooner. That router
            // believed it was master and may have sent gratuitous ARPs: announce ours again, or the LAN's
            // router keeps sending to a node without the VIPs until its neighbour entry expires
            // (keepalived's vrrp_garp_lower_prio_repeat). Announced before the advert that makes it let go, as
            // in BecomeMaster.
            actions.Add(new StartGratuitousArp(Options.HeldAddresses));
            SendAdvert(actions);
        }
    }

    private void ShutDown(List<VrrpAction> actions)
    {
        if (State == VrrpState.Initialize)
        {
            return;
        }

        if (State == VrrpState.Master)
        {
            Transition(actions, VrrpState.Initialize, VrrpTransitionCause.Shutdown);
            actions.Add(SendStop);
            ReleaseAddresses(actions, stopArp: true);
        }
        else
        {
            Transition(actions, VrrpState.Initialize, VrrpTransitionCause.Shutdown);
            ReleaseAddresses(actions, stopArp: false);
        }

        _deadline = null;
        _preemptAt = null;
    }

    private void Failover(List<VrrpAction> actions)
    {
        bool wasHeld = IsHeld;
        IsHeld = true;
        if (State == VrrpState.Master)
        {
            Transition(actions, VrrpState.Backup, VrrpTransitionCause.ManualFailover);
            actions.Add(SendStop);
            actions.Add(new StopGratuitousArp());
            if (!Options.MakeBeforeBreak)
            {
                HoldsAddresses = false;
                actions.Add(new RemoveVirtualAddresses(Options.HeldAddresses));
            }

            MasterAddress = null;
            MasterPriority = 0;
        }

        if (!wasHeld && State == VrrpState.Backup)
        {
            _deadline = null;
            _preemptAt = null;
        }
    }

    /// <summary>
    /// Another member of the sync group heard a higher master, so this one leaves Master too, while its own peer has
    /// not taken over yet: the peer's member becomes master by the group a few milliseconds later (services, VIP,
    /// advert, GARP). Dropping the VIPs at once left them unserved for that moment, and a SYN sent then was lost (a 1 s
    /// retransmission in the lab's `resume`, issue 20). With make-before-break this member keeps its VIPs, and so its
    /// services, until its own new master is heard (<see cref="BackupReceive"/> drops the copy) or, if none is,
    /// until Master_Down_Interval runs out with the group not wanting master (<see cref="OnTimer"/>).
    /// </summary>
    private void SyncBackup(List<VrrpAction> actions)
    {
        if (!Options.MakeBeforeBreak)
        {
            Leave(actions, VrrpState.Backup, VrrpTransitionCause.SyncGroup);
        }
        else
        {
            Transition(actions, VrrpState.Backup, VrrpTransitionCause.SyncGroup);
            actions.Add(new StopGratuitousArp());
            _preemptAt = null;
            MasterAddress = null;
            MasterPriority = 0;
        }

        ArmMasterDown(MasterDownInterval, VrrpTransitionCause.MasterDownTimerExpired);
    }

    private void Resume(List<VrrpAction> actions)
    {
        if (!IsHeld)
        {
            return;
        }

        IsHeld = false;
        if (State != VrrpState.Backup)
        {
            return;
        }

        if (HoldsAddresses)
        {
            // No master appeared while we kept the addresses: carry on as master rather than
            // dropping them for a Master_Down_Interval.
            BecomeMaster(actions, VrrpTransitionCause.Resumed);
            return;
        }

        ArmMasterDown(MasterDownInterval, VrrpTransitionCause.MasterDownTimerExpired);
    }

    private void FailoverUnanswered(List<VrrpAction> actions, bool release)
    {
        if (!IsHeld || State != VrrpState.Backup || !HoldsAddresses)
        {
            return; // a new master was heard meanwhile (or the hold ended): nothing to undo
        }

        if (release)
        {
            HoldsAddresses = false;
            actions.Add(new RemoveVirtualAddresses(Options.HeldAddresses));
            return;
        }

        // A backup that holds the VIPs and sends no adverts is the worst of both: serving, yet seen as gone.
        IsHeld = false;
        BecomeMaster(actions, VrrpTransitionCause.FailoverUnanswered);
    }

    /// <summary>
    /// RFC 5798 §6.4.1/§6.4.2: the addresses, then gratuitous ARP (unsolicited NA), then the advert. The RFC lists the
    /// advert first; the order within the step is the host's, and ours is the one that loses no packet: our advert is
    /// what releases an old holder's copy of the VIPs (make-before-break, or a preempted master leaving), so the LAN's
    /// router must be told first. Advert first, a stall of the host between the two (seen: 74 ms in the TCG lab, a
    /// takeover queued behind its IPVS services) left the router sending to a node that had just let the VIP go.
    /// </summary>
    private void BecomeMaster(List<VrrpAction> actions, VrrpTransitionCause cause)
    {
        Transition(actions, VrrpState.Master, cause);
        HoldsAddresses = true;
        actions.Add(new AddVirtualAddresses(Options.HeldAddresses));
        actions.Add(new StartGratuitousArp(Options.HeldAddresses));
        SendAdvert(actions);
        MasterAdvertInterval = Options.AdvertInterval;
        MasterAddress = Options.PrimaryAddress;
        MasterPriority = Options.Priority;
        _preemptAt = null;
    }

    private void Leave(List<VrrpAction> actions, VrrpState to, VrrpTransitionCause cause)
    {
        bool wasMaster = State == VrrpState.Master;
        Transition(actions, to, cause);
        ReleaseAddresses(actions, stopArp: wasMaster);
        _deadline = null;
        _preemptAt = null;
        MasterAddress = null;
        MasterPriority = 0;
    }

    private bool Faulted => !_linkUp || _trackingFault || _groupFault;

    private void LeaveForFault(List<VrrpAction> actions, VrrpTransitionCause cause)
    {
        bool wasMaster = State == VrrpState.Master;
        Transition(actions, VrrpState.Fault, cause);
        if (wasMaster)
        {
            actions.Add(SendStop);
        }

        ReleaseAddresses(actions, stopArp: wasMaster);
        _deadline = null;
        _preemptAt = null;
        MasterAddress = null;
        MasterPriority = 0;
    }

    private void ReleaseAddresses(List<VrrpAction> actions, bool stopArp)
    {
        if (stopArp)
        {
            actions.Add(new StopGratuitousArp());
        }

        if (HoldsAddresses)
        {
            HoldsAddresses = false;
            actions.Add(new RemoveVirtualAddresses(Options.HeldAddresses));
        }
    }

    /// <param name="due">When Adver_Timer fired, the time it was due: the next advert is due one interval after it, not
    /// after this step ran, so a steady master's deadlines lie on one grid and the host's timer can stay periodic (one
    /// timerfd setting, not one per advert). After a stall of a whole interval the grid starts again from now: one late
    /// advert, not a burst.</param>
    private void SendAdvert(List<VrrpAction> actions, long? due = null)
    {
        actions.Add(_sendOwn);
        var now = _time.GetTimestamp();
        var interval = ToTimestampTicks(Options.AdvertInterval);
        _deadline = due is { } at && at + interval > now ? at + interval : now + interval;
    }

    private void ArmMasterDown(TimeSpan after, VrrpTransitionCause cause)
    {
        WantsMaster = false;
        _deadline = _time.GetTimestamp() + ToTimestampTicks(after);
        _downCause = cause;
    }

    private void Transition(List<VrrpAction> actions, VrrpState to, VrrpTransitionCause cause)
    {
        WantsMaster = false;
        actions.Add(new StateChanged(State, to, cause));
        State = to;
    }

    private long ToTimestampTicks(TimeSpan duration) =>
        (long)((Int128)duration.Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond);
}
