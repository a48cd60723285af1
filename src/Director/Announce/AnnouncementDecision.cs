using System.Net;

namespace HaDirector.Director.Announce;

/// <summary>One VIP's verdict: announce or not, why, and since when this reason holds.</summary>
/// <param name="Detail">What caused it ("web: 0 of 3 real servers up (needs 1)", "tracker uplink down"), or null.</param>
/// <param name="Until">For <see cref="AnnounceReason.HoldDown"/>: when the VIP is announced again if nothing fails.</param>
public sealed record AnnouncementDecision(IPAddress Vip, AnnounceReason Reason, string? Detail, DateTimeOffset Since, DateTimeOffset? Until = null)
{
    public bool Announce => Reason == AnnounceReason.Announcing;
}
