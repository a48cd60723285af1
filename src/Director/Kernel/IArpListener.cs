namespace HaDirector.Director.Kernel;

/// <summary>
/// The address-claiming frames one interface receives, ARP for IPv4 and neighbour discovery for IPv6 (an edge: an
/// AF_PACKET socket in production), to see who claims our VIPs.
/// </summary>
public interface IArpListener : IDisposable
{
    /// <summary>
    /// Blocks for the next frame (Ethernet header included) and returns its length, or null when none arrived within
    /// <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: none), and at once after <see cref="StopReceiving"/>.
    /// </summary>
    int? Receive(Span<byte> buffer, TimeSpan timeout);

    /// <summary>Ends a <see cref="Receive"/> blocked on another thread, and every later one: how the watch stops without polling.</summary>
    void StopReceiving();
}
