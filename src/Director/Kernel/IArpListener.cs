namespace HaDirector.Director.Kernel;

/// <summary>The ARP frames one interface receives (an edge: an AF_PACKET socket in production), to see who claims our VIPs.</summary>
public interface IArpListener : IDisposable
{
    /// <summary>
    /// Blocks for the next ARP frame (Ethernet header included) and returns its length, or null when none arrived within
    /// <paramref name="timeout"/>.
    /// </summary>
    int? Receive(Span<byte> buffer, TimeSpan timeout);
}
