using HaDirector.HealthCheck.Probes;

namespace HaDirector.HealthCheck.Scheduling;

/// <summary>
/// One scheduler's targets of one kind, run by the one <see cref="RoundBook"/>'s rules. A pass (on a timer, or on an
/// engine's thread) times out what ran out and begins what came due; an attempt's answer retries it or reports the
/// round (policy, observer) and only then books the next one. Subclasses say how an attempt begins and times out.
/// </summary>
internal abstract class RoundLane<TRound> : IRoundLane
    where TRound : ScheduledRound
{
    private readonly RoundBook _book;
    private readonly ITimer? _timer;
    private TimeSpan _armedFor = TimeSpan.MaxValue;
    private TimeSpan _lastPass = TimeSpan.MinValue;

    // Timeouts not judged because the pass that would have judged them came late (RoundBook.TakeExpired), logged
    // at most once a minute: under overload a log line per check would add to the load that caused it.
    private int _gracedUnlogged;
    private TimeSpan _worstBehind;
    private TimeSpan _behindLogged = TimeSpan.MinValue;
    private volatile bool _stopping;

    // A pass's lists, kept for the next: passes come a hundred times a second. Two passes at once (a timer that
    // fired while the last pass ran) find them taken and make their own.
    private List<ScheduledRound>? _spareExpired = [];
    private List<ScheduledRound>? _spareStart = [];
    private List<int>? _spareSequences = [];

    /// <summary>
    /// A pass that looks at a deadline later than this after it ran out is behind (the lane arms for every deadline,
    /// so a punctual pass comes within one resolution): the attempt gets one more timeout instead
    /// (<see cref="RoundBook.TakeExpired(TimeSpan, List{ScheduledRound}, TimeSpan, out TimeSpan)"/>). Far above a
    /// loaded machine's usual lateness (a few milliseconds, tens at worst), far below a timeout.
    /// </summary>
    internal static readonly TimeSpan LateTolerance = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan BehindLogEvery = TimeSpan.FromMinutes(1);

    /// <param name="limit">Attempts in flight at once; the rest wait in due order and take a slot as it frees.</param>
    /// <param name="timed">A timer of the lane's clock runs the passes (or wakes the engine that does); false: the engine sleeps as long as <see cref="Pass"/> says.</param>
    protected RoundLane(LaneContext context, int limit, bool timed)
    {
        Context = context;
        _book = new RoundBook(limit);
        if (timed)
        {
            _timer = context.Time.CreateTimer(static s => ((RoundLane<TRound>)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public int InProgress
    {
        get
        {
            lock (Gate)
            {
                return _book.InProgress;
            }
        }
    }

    protected LaneContext Context { get; }

    protected Lock Gate { get; } = new();

    /// <summary>Set by a stop (under <see cref="Gate"/>, read without it): nothing starts or is reported after it.</summary>
    protected bool Stopping => _stopping;

    /// <summary>Passes run from now on (the timer is armed, or the engine attached).</summary>
    protected bool Started { get; private set; }

    protected TimeSpan Now => Context.Time.GetElapsedTime(Context.Epoch);

    public void Add(HealthTarget target, TimeSpan at)
    {
        var round = CreateRound(target);
        lock (Gate)
        {
            _book.Add(round, at);
        }

        WakeIfEarlier();
    }

    public void Start()
    {
        lock (Gate)
        {
            if (Started || Stopping)
            {
                return;
            }

            Started = true;
            _armedFor = TimeSpan.MinValue;
        }

        OnStart();
    }

    public abstract Task StopAsync();

    protected abstract TRound CreateRound(HealthTarget target);

    /// <summary>Outside the lock: sends the attempt; its answer (or its <see cref="Expire"/>) comes to <see cref="Answer"/>.</summary>
    protected abstract void Begin(TRound round);

    /// <summary>
    /// Outside the lock: the timeout of attempt <paramref name="sequence"/> ran out; it must answer (as timed out)
    /// soon. By now that attempt may have answered and the next one begun: a lane whose passes run on several
    /// threads must expire only the attempt named.
    /// </summary>
    protected abstract void Expire(TRound round, int sequence);

    /// <summary>Something came due before the next pass: run one now (from any thread).</summary>
    protected abstract void Wake();

    /// <summary>Passes begin: the first is due at once.</summary>
    protected abstract void OnStart();

    /// <summary>The lane's timer fires as soon as it can (a fake clock's: at its next move).</summary>
    protected void FireTimerNow() => _timer?.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);

    /// <summary>The lane's timer fired.</summary>
    protected virtual void OnTimer() => Wake();

    /// <summary>From now on nothing starts or is reported; stops the lane's timer.</summary>
    protected void MarkStopping()
    {
        lock (Gate)
        {
            _stopping = true;
        }

        _timer?.Dispose();
    }

    /// <summary>After <see cref="MarkStopping"/>: the attempts in flight, which will not be answered; the caller abandons each.</summary>
    protected List<ScheduledRound> TakeInFlight()
    {
        var inFlight = new List<ScheduledRound>();
        lock (Gate)
        {
            _book.TakeInFlight(inFlight);
        }

        return inFlight;
    }

    /// <summary>
    /// Times out what ran out, begins what came due, and arms for the next pass.
    /// </summary>
    /// <returns>How long an engine may sleep before the next pass; infinite when nothing is due or the lane's timer wakes it.</returns>
    protected TimeSpan Pass()
    {
        var now = Now;
        var expired = Interlocked.Exchange(ref _spareExpired, null) ?? [];
        var start = Interlocked.Exchange(ref _spareStart, null) ?? [];
        var sequences = Interlocked.Exchange(ref _spareSequences, null) ?? [];
        (int Graced, TimeSpan Behind)? behindReport = null;
        lock (Gate)
        {
            if (Stopping || !Started)
            {
                (_spareExpired, _spareStart, _spareSequences) = (expired, start, sequences);
                return Timeout.InfiniteTimeSpan;
            }

            // Nothing wakes the lane while a pass runs: it ends by arming for whatever came due meanwhile.
            _armedFor = TimeSpan.MinValue;
            _lastPass = now;
            var graced = _book.TakeExpired(now, expired, LateTolerance, out var behind);
            if (graced > 0)
            {
                _gracedUnlogged += graced;
                _worstBehind = behind > _worstBehind ? behind : _worstBehind;
                if (_behindLogged == TimeSpan.MinValue || now - _behindLogged >= BehindLogEvery)
                {
                    _behindLogged = now;
                    behindReport = (_gracedUnlogged, _worstBehind);
                    (_gracedUnlogged, _worstBehind) = (0, TimeSpan.Zero);
                }
            }

            foreach (var round in expired)
            {
                sequences.Add(round.Sequence);
            }

            _book.TakeDue(now, start);
        }

        if (behindReport is { } report)
        {
            HealthCheckScheduler.LogBehind(Context.Logger, report.Behind.TotalMilliseconds, report.Graced);
        }

        for (var i = 0; i < expired.Count; i++)
        {
            Expire((TRound)expired[i], sequences[i]);
        }

        foreach (var round in start)
        {
            Begin((TRound)round);
        }

        expired.Clear();
        start.Clear();
        sequences.Clear();
        (_spareExpired, _spareStart, _spareSequences) = (expired, start, sequences);
        return Arm();
    }

    /// <summary>An attempt's answer (a reply, its timeout, an error): a retry is booked, or the round is reported and the next one booked.</summary>
    protected void Answer(TRound round, in ProbeResult result)
    {
        List<ScheduledRound>? freed = null;
        bool report;
        lock (Gate)
        {
            if (Stopping)
            {
                // The stop took this attempt out of the book: nothing is reported after it.
                return;
            }

            report = _book.Finish(round, result.Up, Now);
            if (!report)
            {
                freed = TakeHeldLocked();
            }
        }

        if (!report)
        {
            BeginAll(freed);
            WakeIfEarlier();
            return;
        }

        var target = round.Target;
        try
        {
            if (!target.Removed && !Stopping)
            {
                var change = target.Record(result, Context.Time.GetUtcNow(), out var snapshot);
                Context.Observer.OnChecked(target, result, change, snapshot);
            }
        }
        catch (Exception e)
        {
            HealthCheckScheduler.LogObserverFailed(Context.Logger, target.Name, e);
        }
        finally
        {
            // Only now: booked before the observer ran, the next round of a target whose round overran (a timeout,
            // retries) came due at once, could finish first, and its newer verdict was then overwritten by this
            // older one (found by the lab). One round per target from start to report.
            lock (Gate)
            {
                _book.Done(round, Now);
                freed = TakeHeldLocked();
            }

            BeginAll(freed);
            WakeIfEarlier();
        }
    }

    /// <summary>Attempts that waited for a free slot take the one just freed, at once rather than at the next pass.</summary>
    private List<ScheduledRound>? TakeHeldLocked()
    {
        if (!_book.Held || Stopping)
        {
            return null;
        }

        var freed = new List<ScheduledRound>();
        _book.TakeDue(Now, freed);
        return freed;
    }

    private void BeginAll(List<ScheduledRound>? rounds)
    {
        if (rounds is null)
        {
            return;
        }

        foreach (var round in rounds)
        {
            Begin((TRound)round);
        }
    }

    /// <summary>The next pass: when the book's next round or deadline comes, but not sooner than one resolution after the last.</summary>
    private TimeSpan Arm()
    {
        TimeSpan next;
        lock (Gate)
        {
            next = _book.NextWake;
            var earliest = _lastPass + Context.Resolution;
            if (next < earliest)
            {
                next = earliest;
            }

            _armedFor = next;
        }

        if (next == TimeSpan.MaxValue)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return Timeout.InfiniteTimeSpan;
        }

        if (_timer is null)
        {
            var now = Now;
            return next > now ? next - now : TimeSpan.Zero;
        }

        ArmTimer(_timer, next);
        return Timeout.InfiniteTimeSpan;
    }

    /// <summary>
    /// A timer takes a relative time: if the clock moved between reading it and arming (a test's fake clock moves
    /// on any thread), the timer would fire that much late, so it is armed again until the clock stood still.
    /// </summary>
    private void ArmTimer(ITimer timer, TimeSpan next)
    {
        while (true)
        {
            var now = Now;
            if (next <= now)
            {
                // Already due: a fake clock's timer would wait for its next move.
                Wake();
                return;
            }

            timer.Change(next - now, Timeout.InfiniteTimeSpan);
            if (Now == now)
            {
                return;
            }
        }
    }

    /// <summary>Something was booked before the next pass (a new target, a retry): that pass comes now.</summary>
    private void WakeIfEarlier()
    {
        bool wake;
        lock (Gate)
        {
            var next = _book.NextWake;
            wake = Started && !Stopping && _armedFor != TimeSpan.MinValue && next < _armedFor;
            if (wake)
            {
                _armedFor = next;
            }
        }

        if (wake)
        {
            Wake();
        }
    }
}
