namespace HaDirector.Director.Kernel;

/// <summary>
/// The address-claiming frames one interface receives, ARP for IPv4 and neighbour discovery for IPv6 (an edge: an
/// AF_PACKET socket in production), to see who claims our VIPs.
/// </summary>
public interface IArpListener : IDisposable
{
    /// <summary>
    /// Blocks for the next frame (Ethernet header included) and returns its length, or null when none arrived within
    /// <paramref name="timeout"/>.
    /// </summary>
    int? Receive(Span<byte> buffer, TimeSpan timeout);
}
