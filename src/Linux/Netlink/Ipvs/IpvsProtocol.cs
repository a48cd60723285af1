namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>The transport protocol of a virtual service (IPPROTO_* numbers).</summary>
public enum IpvsProtocol : ushort
{
    Tcp = 6,
    Udp = 17,
    Sctp = 132,
}
