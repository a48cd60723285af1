namespace HaDirector.Vrrp.Protocol;

/// <summary>
/// The outcome of <see cref="VrrpAdvertValidator.Validate"/>: the datagram when accepted, or the
/// drop reason. <see cref="VirtualRouterId"/> is -1 when the datagram was dropped before its VRID
/// could be read, so per-instance drop counters know whom to charge.
/// </summary>
public readonly record struct VrrpReceiveResult(VrrpDropReason Reason, int VirtualRouterId, VrrpDatagram? Datagram)
{
    public bool IsAccepted => Reason == VrrpDropReason.None;

    internal static VrrpReceiveResult Dropped(VrrpDropReason reason, int vrid = -1) => new(reason, vrid, null);
}
