namespace HaDirector.Vrrp.Arp;

/// <summary>Sends a raw Ethernet frame on one interface (an edge: an AF_PACKET socket in production, Director's Kernel/PacketArpSender).</summary>
public interface IArpSender : IDisposable
{
    System.Net.NetworkInformation.PhysicalAddress MacAddress { get; }

    void Send(ReadOnlySpan<byte> frame);

    /// <summary>Prepares the send path without putting anything on the wire.</summary>
    void WarmUp()
    {
    }
}
