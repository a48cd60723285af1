namespace HaDirector.Fuzz;

/// <summary>A clock that never moves: the same input gives the same path on every run (AFL needs that).</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
