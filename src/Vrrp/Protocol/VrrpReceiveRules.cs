using System.Net;

namespace HaDirector.Vrrp.Protocol;

/// <summary>What one configured instance accepts: the inputs of RFC 5798 §7.1 / RFC 3768 §7.1.</summary>
/// <param name="AdvertInterval">Checked only for v2 (RFC 3768 §7.1); a v3 backup adopts the master's.</param>
public sealed record VrrpReceiveRules(byte VirtualRouterId, VrrpVersion Version, TimeSpan AdvertInterval)
{
    /// <summary>v2 only: the auth type and (for simple text) password that must match.</summary>
    public VrrpAuthentication Authentication { get; init; } = VrrpAuthentication.None;

    /// <summary>The configured virtual addresses. Empty: count and list are not checked.</summary>
    public IReadOnlyList<IPAddress> VirtualAddresses { get; init; } = [];

    /// <summary>Empty: multicast, any source. Otherwise only these sources are accepted.</summary>
    public IReadOnlyList<IPAddress> UnicastPeers { get; init; } = [];

    /// <summary>v3 only: how the checksum is verified.</summary>
    public VrrpChecksumMode ChecksumMode { get; init; } = VrrpChecksumMode.PseudoHeader;

    public bool Equals(VrrpReceiveRules? other) =>
        other is not null
        && VirtualRouterId == other.VirtualRouterId
        && Version == other.Version
        && AdvertInterval == other.AdvertInterval
        && Authentication.Equals(other.Authentication)
        && ChecksumMode == other.ChecksumMode
        && VirtualAddresses.SequenceEqual(other.VirtualAddresses)
        && UnicastPeers.SequenceEqual(other.UnicastPeers);

    public override int GetHashCode() => HashCode.Combine(VirtualRouterId, Version, AdvertInterval);
}
