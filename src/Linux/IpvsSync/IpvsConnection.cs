using System.Net;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Linux.IpvsSync;

/// <summary>One entry of the kernel's IPVS connection table, as /proc/net/ip_vs_conn_sync shows it.</summary>
/// <param name="State">The protocol's state number, as the sync protocol carries it (for TCP, <see cref="IpvsTcpState"/>).</param>
/// <param name="Local">Scheduled by this kernel (origin LOCAL), not learnt from a peer's sync daemon (SYNC).</param>
/// <param name="ExpiresSeconds">Seconds until the entry expires: the kernel restarts its timer on every packet, so
/// among entries of one state a larger value means more recent traffic.</param>
public sealed record IpvsConnection(
    IpvsProtocol Protocol, IPEndPoint Client, IPEndPoint Virtual, IPEndPoint Destination, ushort State, bool Local, uint ExpiresSeconds);
