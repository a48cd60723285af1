namespace HaDirector.Vrrp.Tracking;

/// <summary>
/// keepalived's <c>vrrp_script</c> hysteresis: <see cref="Rise"/> successes in a row to come up, <see cref="Fall"/>
/// failures in a row to fail. Starts up, so a restart does not drop the priority before the first result (the first
/// failing result still counts towards fall). Not thread-safe: one result at a time.
/// </summary>
public sealed class RiseFall(int rise, int fall, bool startUp = true)
{
    private int _successes;
    private int _failures;

    public int Rise { get; } = rise >= 1 ? rise : throw new ArgumentOutOfRangeException(nameof(rise));

    public int Fall { get; } = fall >= 1 ? fall : throw new ArgumentOutOfRangeException(nameof(fall));

    public bool Up { get; private set; } = startUp;

    /// <summary>Counts one result; true when it changed <see cref="Up"/>.</summary>
    public bool Record(bool success)
    {
        if (success)
        {
            _failures = 0;
            _successes = Math.Min(_successes + 1, Rise);
            if (!Up && _successes >= Rise)
            {
                Up = true;
                return true;
            }
        }
        else
        {
            _successes = 0;
            _failures = Math.Min(_failures + 1, Fall);
            if (Up && _failures >= Fall)
            {
                Up = false;
                return true;
            }
        }

        return false;
    }
}
