using System.Net;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// Adverts of one kind that an interface dropped: from <see cref="Source"/> for <see cref="Vrid"/> in <see cref="Version"/>,
/// dropped for <see cref="Reason"/>; <see cref="ClaimedAddress"/> is one of our VIPs that they list (a split brain).
/// </summary>
public sealed record ForeignAdvert(
    IPAddress Source,
    int Vrid,
    int Version,
    VrrpDropReason Reason,
    IPAddress? ClaimedAddress,
    long Count,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen)
{
    /// <summary>Another VRRP router on the link with a VRID of its own and none of our VIPs: normal, not a mismatch.</summary>
    public bool IsForeignRouter => Reason == VrrpDropReason.UnknownVrid && ClaimedAddress is null;
}
