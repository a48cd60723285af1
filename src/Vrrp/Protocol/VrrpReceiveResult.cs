namespace HaDirector.Vrrp.Protocol;

/// <summary>
/// The outcome of <see cref="VrrpAdvertValidator.Validate"/>: the datagram when accepted, or the
/// drop reason. <see cref="VirtualRouterId"/> is -1 when the datagram was dropped before its VRID
/// could be read, so per-instance drop counters know whom to charge.
/// </summary>
/// <remarks>
/// A dropped advert that could be read also carries who sent it (<see cref="Source"/>, <see cref="Version"/>) and
/// <see cref="ClaimedAddress"/>: the first address it lists that one of this interface's instances is configured with.
/// Such an advert is a misconfigured peer (another VRID, version or address list for our VIP) that will also make
/// itself master: a split brain the operator must hear about (RFC 5798 §7.1 "SHOULD log").
/// </remarks>
public readonly record struct VrrpReceiveResult(VrrpDropReason Reason, int VirtualRouterId, VrrpDatagram? Datagram)
{
    public bool IsAccepted => Reason == VrrpDropReason.None;

    /// <summary>The source as a big-endian number (see <see cref="VrrpAddress"/>); 0 when the datagram could not be read.</summary>
    public UInt128 Source { get; init; }

    /// <summary>The family of <see cref="Source"/> and <see cref="ClaimedAddress"/>.</summary>
    public System.Net.Sockets.AddressFamily Family { get; init; }

    /// <summary>The advert's VRRP version; 0 when the datagram could not be read.</summary>
    public VrrpVersion Version { get; init; }

    /// <summary>One of our virtual addresses that this dropped advert lists (see <see cref="VrrpAddress"/>); 0 when none.</summary>
    public UInt128 ClaimedAddress { get; init; }

    internal static VrrpReceiveResult Dropped(VrrpDropReason reason, int vrid = -1) => new(reason, vrid, null);
}
