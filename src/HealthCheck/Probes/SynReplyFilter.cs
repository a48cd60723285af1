using HaDirector.Linux.Interop;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// The classic BPF program on the half-open check's raw socket. A raw IPPROTO_TCP socket is offered every TCP
/// packet the host receives; this keeps only SYN-ACK and RST-ACK segments to our reserved source ports, so the
/// kernel copies a few bytes per probe reply to us and nothing of the host's other traffic.
/// </summary>
public static class SynReplyFilter
{
    /// <summary>Enough for the longest IPv4 header and the fixed TCP header; the rest is never read.</summary>
    public const uint SnapLength = 60 + 20;

    /// <summary>An IPv6 raw socket's packet starts at the TCP header: the fixed header is all there is to keep.</summary>
    public const uint SnapLength6 = 20;

    public static SockFilter[] Program(ushort firstPort, ushort lastPort) =>
    [
        // A raw socket's packet starts at the IPv4 header. Later fragments have no TCP header.
        new(SockFilter.LdHAbs, 0, 0, 6),
        new(SockFilter.JmpJsetK, 9, 0, 0x1fff),

        // x = IPv4 header length; then the TCP destination port must be one of ours.
        new(SockFilter.LdxBMsh, 0, 0, 0),
        new(SockFilter.LdHInd, 0, 0, 2),
        new(SockFilter.JmpJgeK, 0, 6, firstPort),
        new(SockFilter.JmpJgtK, 5, 0, lastPort),

        .. RepliesOnly(new(SockFilter.LdBInd, 0, 0, 13), SnapLength),
    ];

    /// <summary>
    /// The same rules on an IPv6 raw socket, which is offered the segment from its TCP header on (the kernel has
    /// parsed any extension headers by then): ports at 2, flags at 13.
    /// </summary>
    public static SockFilter[] ProgramIpv6(ushort firstPort, ushort lastPort) =>
    [
        new(SockFilter.LdHAbs, 0, 0, 2),
        new(SockFilter.JmpJgeK, 0, 6, firstPort),
        new(SockFilter.JmpJgtK, 5, 0, lastPort),
        .. RepliesOnly(new(SockFilter.LdBAbs, 0, 0, 13), SnapLength6),
    ];

    /// <summary>
    /// The last six instructions of both: flags SYN|ACK or RST|ACK (the kernel's own RST to a SYN-ACK carries no
    /// ACK, so it stays out) keep <paramref name="snap"/> bytes; everything else is dropped.
    /// </summary>
    private static SockFilter[] RepliesOnly(SockFilter loadFlags, uint snap) =>
    [
        loadFlags,
        new(SockFilter.AluAndK, 0, 0, SynSegment.Syn | SynSegment.Rst | SynSegment.Ack),
        new(SockFilter.JmpJeqK, 1, 0, SynSegment.Syn | SynSegment.Ack),
        new(SockFilter.JmpJeqK, 0, 1, SynSegment.Rst | SynSegment.Ack),
        new(SockFilter.RetK, 0, 0, snap),
        new(SockFilter.RetK, 0, 0, 0),
    ];
}
