namespace HaDirector.HealthCheck.Probes;

/// <summary>The lanes an engine runs on its thread: attached from any thread, passed on the engine's.</summary>
internal sealed class EngineLanes
{
    private readonly Lock _gate = new();
    private IEngineLane[] _lanes = [];

    public void Attach(IEngineLane lane)
    {
        lock (_gate)
        {
            _lanes = [.. _lanes, lane];
        }
    }

    /// <summary>Runs every lane's pass and drops the lanes that stopped.</summary>
    /// <returns>epoll_wait's timeout until the next pass any lane asks for: whole milliseconds, rounded up so a pass never comes before its time; -1 for none.</returns>
    public int Pass()
    {
        var current = Volatile.Read(ref _lanes);
        var shortest = Timeout.InfiniteTimeSpan;
        foreach (var lane in current)
        {
            if (!lane.Pass(out var wait))
            {
                lock (_gate)
                {
                    _lanes = [.. _lanes.Where(l => l != lane)];
                }
            }
            else if (wait != Timeout.InfiniteTimeSpan && (shortest == Timeout.InfiniteTimeSpan || wait < shortest))
            {
                shortest = wait;
            }
        }

        return shortest == Timeout.InfiniteTimeSpan ? -1 : (int)Math.Clamp(Math.Ceiling(shortest.TotalMilliseconds), 0, int.MaxValue);
    }
}
