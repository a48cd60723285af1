namespace HaDirector.Director.Configuration;

/// <summary>Gratuitous ARP sent on becoming master, so the router moves the VIP at once.</summary>
public sealed record GarpConfig
{
    public int Repeat { get; init; } = 5;

    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Zero: no periodic refresh while master.</summary>
    public TimeSpan Refresh { get; init; } = TimeSpan.Zero;
}
