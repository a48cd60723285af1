using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;

namespace HaDirector.Vrrp.Arp;

/// <summary>Builds the gratuitous ARP frame a new master broadcasts for each VIP.</summary>
public static class GratuitousArp
{
    private static readonly PhysicalAddress Broadcast = PhysicalAddress.Parse("FF-FF-FF-FF-FF-FF");
    private static readonly PhysicalAddress Zero = PhysicalAddress.Parse("00-00-00-00-00-00");

    /// <summary>
    /// An ARP request with sender = target = VIP, our MAC as sender hardware address, to broadcast.
    /// A request (not a reply) is what keepalived sends and what every Linux neighbour table accepts as
    /// an update of an existing entry (RFC 5227 §3 "ARP Announcement").
    /// </summary>
    public static byte[] Build(PhysicalAddress ourMac, IPAddress vip)
    {
        ArgumentNullException.ThrowIfNull(ourMac);
        ArgumentNullException.ThrowIfNull(vip);
        var arp = new ArpPacket(ArpOperation.Request, Zero, vip, ourMac, vip);
        var ethernet = new EthernetPacket(ourMac, Broadcast, EthernetType.Arp) { PayloadPacket = arp };
        return ethernet.Bytes;
    }
}
