namespace HaDirector.Vrrp.Arp;

/// <summary>
/// The gratuitous-ARP burst sent on becoming master: <see cref="Repeat"/> rounds <see cref="Interval"/> apart,
/// then one round every <see cref="Refresh"/> while master (zero = no refresh).
/// </summary>
public sealed record GarpOptions(int Repeat, TimeSpan Interval, TimeSpan Refresh)
{
    public static GarpOptions Default { get; } = new(5, TimeSpan.FromMilliseconds(100), TimeSpan.Zero);
}
