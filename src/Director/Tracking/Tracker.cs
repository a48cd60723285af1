using HaDirector.Director.Configuration;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Tracking;

/// <summary>
/// One <c>vrrp.trackers[]</c> entry at run time: its reading now and an event when it changes. Constructing one takes
/// the first reading where that is cheap (a link, a file, /proc), so instances start on it; <see cref="Start"/> runs
/// the watch or the poll until <see cref="DisposeAsync"/>.
/// </summary>
public abstract class Tracker : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private TrackerReading _reading;
    private string? _detail;
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    protected Tracker(TrackerConfig config, TimeProvider time, TrackerReading initial)
    {
        Config = config;
        Time = time;
        _reading = initial;
        Since = time.GetUtcNow();
    }

    public TrackerConfig Config { get; }

    public string Name => Config.Name;

    protected TimeProvider Time { get; }

    /// <summary>Raised on the tracker's own thread after <see cref="Reading"/> changed.</summary>
    public event Action<Tracker>? Changed;

    public TrackerReading Reading
    {
        get
        {
            lock (_gate)
            {
                return _reading;
            }
        }
    }

    /// <summary>What the last check said (an exit code, a value, an error); for status and logs.</summary>
    public string? Detail
    {
        get
        {
            lock (_gate)
            {
                return _detail;
            }
        }
    }

    /// <summary>When <see cref="Reading"/> last changed.</summary>
    public DateTimeOffset Since { get; private set; }

    public void Start() => _loop = RunAsync(_stop.Token);

    public async ValueTask DisposeAsync()
    {
        // The service stops its trackers, then the container disposes the service: the second time is a no-op.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Records a result; listeners hear only a change of the reading.</summary>
    protected void Report(TrackerReading reading, string? detail)
    {
        bool changed;
        lock (_gate)
        {
            _detail = detail;
            changed = reading != _reading;
            if (changed)
            {
                _reading = reading;
                Since = Time.GetUtcNow();
            }
        }

        if (changed)
        {
            Changed?.Invoke(this);
        }
    }

    /// <summary>The poll of the polling kinds: <paramref name="check"/> now, then every interval.</summary>
    protected async Task PollAsync(Func<CancellationToken, Task> check, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await check(cancellationToken);
            await Task.Delay(Config.Interval, Time, cancellationToken);
        }
    }
}
