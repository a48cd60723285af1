namespace HaDirector.Director.Vrrp;

/// <summary>
/// Runs one VRRP instance's host actions in the election's order without ever blocking the election's threads.
/// A new master must not add its VIPs (nor advertise, which makes a make-before-break peer drop its copy) before
/// its IPVS services exist, and programming them can take a while; meanwhile the shared timer and receive threads
/// must go on serving every other instance. So an action that has to wait is queued behind what it waits for, and
/// every later action of this instance is queued behind it; when nothing waits, actions run inline (no thread hop
/// on the takeover path).
/// </summary>
/// <remarks>
/// Callers post from one thread at a time (the instance driver's lock). An action run inline throws to its caller;
/// a queued one's failure goes to <c>onError</c> and never stops the queue.
/// </remarks>
public sealed class OrderedHostActions(Action<Exception> onError)
{
    private readonly Lock _gate = new();
    private Task _tail = Task.CompletedTask;
    private readonly HashSet<object> _queuedKeys = [];

    /// <summary>Completes when every action posted so far has run.</summary>
    public Task Drained
    {
        get
        {
            lock (_gate)
            {
                return _tail;
            }
        }
    }

    /// <summary>True while an action waits (for a prerequisite or behind another).</summary>
    public bool IsWaiting
    {
        get
        {
            lock (_gate)
            {
                return !_tail.IsCompleted;
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> now when nothing waits, else after everything queued.</summary>
    public void Post(Action action) => Post(Task.CompletedTask, action, coalesceKey: null);

    /// <summary>
    /// Runs <paramref name="action"/> once <paramref name="prerequisite"/> has finished (succeeded or not) and after
    /// everything queued before it. With <paramref name="coalesceKey"/>, an action with the same key still queued
    /// makes this one redundant (a new master's periodic adverts while its services are programmed: one goes out).
    /// With <paramref name="stillWanted"/>, a queued action is skipped when that says no by the time it would run
    /// (a VIP add whose master lost the election while its services were programmed must not go up even briefly).
    /// </summary>
    public void Post(Task prerequisite, Action action, object? coalesceKey = null, Func<bool>? stillWanted = null)
    {
        lock (_gate)
        {
            if (_tail.IsCompleted && prerequisite.IsCompleted)
            {
                // Inline, on the caller's thread: its failure is the caller's (the driver counts it).
                action();
                return;
            }

            EnqueueLocked(prerequisite, action, coalesceKey, stillWanted);
        }
    }

    /// <summary>
    /// <see cref="Post(Task, Action, object?, Func{bool}?)"/> for an action that takes its state as an argument: run
    /// inline (the steady case: every periodic advert of a master) it costs no closure.
    /// </summary>
    public void Post<TState>(Task prerequisite, Action<TState> action, TState state, object? coalesceKey = null, Func<bool>? stillWanted = null)
    {
        lock (_gate)
        {
            if (_tail.IsCompleted && prerequisite.IsCompleted)
            {
                action(state);
                return;
            }

            // Queued (rare: while a takeover's services are programmed): only now a closure.
            EnqueueLocked(prerequisite, Bind(action, state), coalesceKey, stillWanted);
        }
    }

    // Apart from Post: a lambda over Post's own parameters would allocate its closure on entry, inline path included.
    private static Action Bind<TState>(Action<TState> action, TState state) => () => action(state);

    private void EnqueueLocked(Task prerequisite, Action action, object? coalesceKey, Func<bool>? stillWanted)
    {
        if (coalesceKey is not null && !_queuedKeys.Add(coalesceKey))
        {
            return;
        }

        _tail = RunAfterAsync(_tail, prerequisite, action, coalesceKey, stillWanted);
    }

    private async Task RunAfterAsync(Task before, Task prerequisite, Action action, object? coalesceKey, Func<bool>? stillWanted)
    {
        await before.ConfigureAwait(false);
        try
        {
            await prerequisite.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The action still runs: a VIP without its services beats no VIP at all (the periodic pass repairs IPVS).
            onError(ex);
        }

        if (coalesceKey is not null)
        {
            lock (_gate)
            {
                _queuedKeys.Remove(coalesceKey);
            }
        }

        if (stillWanted is null || stillWanted())
        {
            Run(action);
        }
    }

    private void Run(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            onError(ex);
        }
    }
}
