using System.Net;

namespace HaDirector.Vrrp.Protocol;

/// <summary>A received advertisement with the IPv4 header fields that matter to VRRP.</summary>
public sealed record VrrpDatagram(IPAddress Source, IPAddress Destination, byte Ttl, VrrpPacket Packet);
