namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// Connection timeouts in whole seconds (ipvsadm --set tcp tcpfin udp). When setting, null or 0 leaves a
/// value unchanged (the kernel skips zero).
/// </summary>
public sealed record IpvsTimeouts(uint? TcpSeconds, uint? TcpFinSeconds, uint? UdpSeconds);
