using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Timing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaDirector.Vrrp.Election;

/// <summary>
/// Runs one <see cref="VrrpStateMachine"/>: serializes inputs, owns the timer (from the injected
/// <see cref="TimeProvider"/>) that feeds <see cref="VrrpInput.TimerElapsed"/> at the machine's
/// deadline, hands each action to the <see cref="IVrrpActionSink"/> and keeps the counters.
/// </summary>
/// <remarks>
/// Inputs posted from inside <see cref="IVrrpActionSink.Execute"/> (same thread) are queued and
/// run after the current batch, so a batch is never interleaved with another.
/// </remarks>
public sealed partial class VrrpInstanceDriver : IDisposable
{
    /// <summary>
    /// System timers round due times down to whole milliseconds and may fire up to 1 ms early;
    /// re-arming for the sub-millisecond remainder would spin, so it waits at least this long.
    /// </summary>
    private static readonly TimeSpan EarlyFireRetry = TimeSpan.FromMilliseconds(1);

    /// <summary>The one timer input (it carries nothing): not a new object per advert.</summary>
    private static readonly VrrpInput.TimerElapsed TimerElapsed = new();

    private readonly object _gate = new();
    private readonly VrrpStateMachine _machine;
    private readonly IVrrpActionSink _sink;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly TimeProvider _time;
    private readonly Queue<VrrpInput> _pending = new();
    private readonly Dictionary<VrrpDropReason, long> _drops = [];
    private volatile ReceivedAdvert? _lastReceived;
    private bool _draining;
    private bool _disposed;
    private long _advertsSent;
    private long _priorityZeroSent;
    private long _advertsReceived;
    private long _priorityZeroReceived;
    private long _transitions;
    private long _becameMaster;
    private long _sinkFailures;

    // The machine deadline the timer fires for next (null: none known) and its period in timestamp ticks (0: one-shot):
    // a steady master's Adver_Timer keeps one periodic setting instead of a Change per advert.
    private long? _timerFor;
    private long _timerPeriod;

    public VrrpInstanceDriver(
        VrrpInstanceOptions options, IVrrpActionSink sink, TimeProvider timeProvider, ILogger<VrrpInstanceDriver>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _machine = new VrrpStateMachine(options, timeProvider);
        _sink = sink;
        _logger = logger ?? NullLogger<VrrpInstanceDriver>.Instance;
        _time = timeProvider;
        _timer = timeProvider.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public VrrpInstanceOptions Options => _machine.Options;

    public VrrpState State
    {
        get
        {
            lock (_gate)
            {
                return _machine.State;
            }
        }
    }

    /// <summary>Sync groups: see <see cref="VrrpStateMachine.MasterGate"/>.</summary>
    public Func<bool>? MasterGate
    {
        set
        {
            lock (_gate)
            {
                _machine.MasterGate = value;
            }
        }
    }

    /// <summary>Lock-free, for another member's gate: see <see cref="VrrpStateMachine.WantsMaster"/>.</summary>
    public bool WantsMaster => _machine.WantsMaster;

    /// <summary>Time until the machine's running timer fires; null when none runs.</summary>
    public TimeSpan? TimeUntilNextDeadline
    {
        get
        {
            lock (_gate)
            {
                return _machine.GetTimeUntilNextDeadline();
            }
        }
    }

    public void Start() => Post(new VrrpInput.Start());

    public void Shutdown() => Post(new VrrpInput.Shutdown());

    /// <summary>A reload's new parameters for this same virtual router; the state is kept (see <see cref="VrrpInput.Reconfigure"/>).</summary>
    /// <exception cref="ArgumentException">Another VRID or version, or invalid options: a new instance is needed.</exception>
    public void Reconfigure(VrrpInstanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!VrrpStateMachine.CanReconfigure(Options, options))
        {
            throw new ArgumentException($"{options.Name}: cannot take these options in place (another VRID or version, or invalid)", nameof(options));
        }

        Post(new VrrpInput.Reconfigure(options));
    }

    /// <summary>Feeds an advert that <see cref="VrrpAdvertValidator"/> accepted for this instance's VRID.</summary>
    public void Receive(VrrpDatagram datagram)
    {
        ArgumentNullException.ThrowIfNull(datagram);
        // The validator hands the same datagram again for a master's unchanged adverts: the same input too.
        var last = _lastReceived;
        if (last is null || !ReferenceEquals(last.Datagram, datagram))
        {
            last = new ReceivedAdvert(datagram, VrrpInput.AdvertReceived.From(datagram));
            _lastReceived = last;
        }

        Post(last.Input);
    }

    /// <summary>An advert and the input made of it (inputs are immutable: one serves every repeat).</summary>
    private sealed record ReceivedAdvert(VrrpDatagram Datagram, VrrpInput.AdvertReceived Input);

    /// <summary>Counts an advert the validator dropped for this instance's VRID.</summary>
    public void RecordDrop(VrrpDropReason reason)
    {
        lock (_gate)
        {
            _drops[reason] = _drops.GetValueOrDefault(reason) + 1;
        }
    }

    public void Post(VrrpInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Process(input, fromTimer: false);
    }

    public VrrpInstanceStatistics GetStatistics()
    {
        lock (_gate)
        {
            return new VrrpInstanceStatistics(
                _machine.State,
                _machine.IsHeld,
                _machine.HoldsAddresses,
                _machine.MasterAddress,
                _machine.MasterPriority,
                _machine.MasterAdvertInterval,
                _advertsSent,
                _priorityZeroSent,
                _advertsReceived,
                _priorityZeroReceived,
                _transitions,
                _becameMaster,
                _sinkFailures,
                new Dictionary<VrrpDropReason, long>(_drops));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private void OnTimer()
    {
        TakeoverTrace.Mark("timer-callback");
        if (State == VrrpState.Backup)
        {
            // Adverts received before the deadline but not yet processed first (see IVrrpActionSink.CatchUp): one of
            // them restarts Master_Down_Timer, and the expiry below then finds its deadline ahead and does nothing.
            _sink.CatchUp();
        }

        Process(TimerElapsed, fromTimer: true);
    }

    private void Process(VrrpInput input, bool fromTimer)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                if (fromTimer)
                {
                    return;
                }

                throw new ObjectDisposedException(nameof(VrrpInstanceDriver));
            }

            _pending.Enqueue(input);
            if (_draining)
            {
                return;
            }

            _draining = true;
            try
            {
                while (_pending.TryDequeue(out var next))
                {
                    Run(next);
                }
            }
            finally
            {
                _draining = false;
            }

            Rearm(fromTimer);
        }

        TakeoverTrace.FlushSoon();
    }

    private void Run(VrrpInput input)
    {
        if (input is VrrpInput.AdvertReceived advert)
        {
            _advertsReceived++;
            if (advert.Priority == VrrpPacket.PriorityStop)
            {
                _priorityZeroReceived++;
            }
        }

        // The machine's own list, read to the end before the next step (inputs posted by the sink wait in _pending).
        var actions = _machine.StepShared(input);
        if (TakeoverTrace.Enabled)
        {
            // Guarded: the arguments (a type's name, a boxed state) cost an allocation per advert even when tracing is off.
            TakeoverTrace.Mark("step", input.GetType().Name);
        }

        // Indexed loops: a foreach over the interface boxes an enumerator, twice per advert.
        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i];
            Count(action);
            if (TakeoverTrace.Enabled)
            {
                TakeoverTrace.Mark("begin", action.GetType().Name);
            }

            try
            {
                _sink.Execute(_machine.Options, action);
            }
            catch (Exception ex)
            {
                // One failed action (say, a netlink error adding a VIP) must not stop the rest of
                // the batch or the election; the host decides how loud to be.
                _sinkFailures++;
                LogSinkFailed(_machine.Options.Name, action, ex);
            }

            if (TakeoverTrace.Enabled)
            {
                TakeoverTrace.Mark("end", action.GetType().Name);
            }
        }

        // Logged after the batch ran: on a takeover the addresses, advert and GARP go out first.
        for (var i = 0; i < actions.Count; i++)
        {
            if (actions[i] is VrrpAction.StateChanged changed)
            {
                LogStateChanged(_machine.Options.Name, changed.From, changed.To, changed.Cause);
            }
        }
    }

    private void Count(VrrpAction action)
    {
        switch (action)
        {
            case VrrpAction.SendAdvert send:
                _advertsSent++;
                if (send.Priority == VrrpPacket.PriorityStop)
                {
                    _priorityZeroSent++;
                }

                break;
            case VrrpAction.StateChanged changed:
                _transitions++;
                if (changed.To == VrrpState.Master)
                {
                    _becameMaster++;
                }

                break;
        }
    }

    private void Rearm(bool fromTimer)
    {
        if (TakeoverTrace.Enabled && _machine.NextDeadline is { } traced)
        {
            TakeoverTrace.MarkAt(traced, "deadline", _machine.State);
        }

        if (fromTimer)
        {
            // The timer has fired: a periodic setting goes on one period later, a one-shot one is spent.
            _timerFor = _timerPeriod > 0 ? _timerFor + _timerPeriod : null;
        }

        var deadline = _machine.NextDeadline;
        if (deadline is not null && deadline == _timerFor)
        {
            return; // already set for it: a steady master's next advert, on the grid of the periodic setting
        }

        var due = _machine.GetTimeUntilNextDeadline();
        if (due is not { } wait)
        {
            _timerFor = null;
            _timerPeriod = 0;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        // Master: Adver_Timer comes back every interval (VrrpStateMachine keeps its deadlines on that grid), so the
        // timer is set periodic and left alone while the deadlines follow it. Backup: Master_Down_Timer moves with every
        // advert heard, one-shot.
        var period = _machine.State == VrrpState.Master ? _machine.Options.AdvertInterval : Timeout.InfiniteTimeSpan;
        _timerFor = deadline;
        if (fromTimer && wait > TimeSpan.Zero && wait < EarlyFireRetry)
        {
            wait = EarlyFireRetry;
            _timerFor = null; // it fires later than the deadline: never skip on its account
        }

        _timerPeriod = period == Timeout.InfiniteTimeSpan ? 0 : ToTimestampTicks(period);
        _timer.Change(wait, period);
    }

    private long ToTimestampTicks(TimeSpan duration) =>
        (long)((Int128)duration.Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond);
}
