using System.Net;
using System.Net.Sockets;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Election;

/// <summary>One VRRP instance as the state machine sees it (RFC 5798 §6.1 parameters).</summary>
/// <param name="Priority">1..254, or 255 for the address owner (straight to Master at startup).</param>
/// <param name="AdvertInterval">v2: whole seconds 1..255; v3: whole centiseconds 10 ms..40.95 s.</param>
/// <param name="PrimaryAddress">Our source address; an equal-priority tie goes to the greater one.</param>
public sealed record VrrpInstanceOptions(
    string Name,
    byte VirtualRouterId,
    byte Priority,
    VrrpVersion Version,
    TimeSpan AdvertInterval,
    IPAddress PrimaryAddress,
    IReadOnlyList<IPAddress> VirtualAddresses)
{
    /// <summary>RFC 5798 Preempt_Mode: a backup takes over from a lower-priority master.</summary>
    public bool Preempt { get; init; } = true;

    /// <summary>
    /// keepalived's preempt_delay: after the first lower-priority advert a backup still accepts them
    /// for this long before preempting; a higher-or-equal advert restarts the wait.
    /// </summary>
    public TimeSpan PreemptDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Addresses the master holds but does not list in its adverts (keepalived's <c>virtual_ipaddress_excluded</c>), of
    /// either family; received adverts are checked against <see cref="VirtualAddresses"/> only.
    /// </summary>
    public IReadOnlyList<IPAddress> ExcludedAddresses { get; init; } = [];

    /// <summary>Every address the master holds: the advertised ones, then the excluded ones.</summary>
    public IReadOnlyList<IPAddress> HeldAddresses => ExcludedAddresses.Count == 0 ? VirtualAddresses : [.. VirtualAddresses, .. ExcludedAddresses];

    /// <summary>VRRPv2 only.</summary>
    public VrrpAuthentication Authentication { get; init; } = VrrpAuthentication.None;

    /// <summary>
    /// On a manual failover keep the virtual addresses until the new master's first advert arrives,
    /// so the addresses are never unowned during a planned handover.
    /// </summary>
    public bool MakeBeforeBreak { get; init; }

    /// <summary>
    /// VRRPv3: the longest master interval a backup adopts; a longer one is used as this (a logged deviation from
    /// RFC 5798 §6.4.2). One forged advert with 40.95 s would otherwise leave the LAN without a master for about
    /// 3 × 40.95 s once the forger falls silent. Null: adopt any interval, as the RFC says.
    /// </summary>
    public TimeSpan? LearnedIntervalLimit { get; init; }

    /// <summary>Every problem, one message each; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (VirtualRouterId == 0)
        {
            errors.Add($"{Name}: vrid must be 1..255.");
        }

        if (Priority == 0)
        {
            errors.Add($"{Name}: priority must be 1..255 (0 is reserved for a master that leaves).");
        }

        if (Version is not (VrrpVersion.V2 or VrrpVersion.V3))
        {
            errors.Add($"{Name}: version must be 2 or 3.");
        }
        else if (!VrrpCodec.IsValidInterval(Version, AdvertInterval))
        {
            errors.Add(Version == VrrpVersion.V2
                ? $"{Name}: a VRRPv2 advertInterval is whole seconds from 1s to 255s, not {AdvertInterval}."
                : $"{Name}: a VRRPv3 advertInterval is whole centiseconds from 10ms to 40.95s, not {AdvertInterval}.");
        }

        if (VirtualAddresses is null || VirtualAddresses.Count is 0 or > 255)
        {
            errors.Add($"{Name}: 1 to 255 virtual addresses are needed.");
        }
        else
        {
            // RFC 5798 §1: an IPv4 and an IPv6 virtual router are separate; the first address gives the family.
            var family = VirtualAddresses[0].AddressFamily;
            if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) || VirtualAddresses.Any(a => a.AddressFamily != family))
            {
                errors.Add($"{Name}: virtual addresses must be all IPv4 or all IPv6.");
            }
            else if (PrimaryAddress is null || PrimaryAddress.AddressFamily != family)
            {
                errors.Add($"{Name}: the primary address must be of the virtual addresses' family.");
            }
            else if (family == AddressFamily.InterNetworkV6 && Version != VrrpVersion.V3)
            {
                errors.Add($"{Name}: VRRP over IPv6 is version 3.");
            }
        }

        if (LearnedIntervalLimit is { } limit && limit < AdvertInterval)
        {
            errors.Add($"{Name}: learnedIntervalLimit ({limit}) must not be shorter than advertInterval ({AdvertInterval}).");
        }

        if (PreemptDelay < TimeSpan.Zero)
        {
            errors.Add($"{Name}: preemptDelay must not be negative.");
        }

        if (Version == VrrpVersion.V3 && Authentication.Type != VrrpAuthType.None)
        {
            errors.Add($"{Name}: VRRPv3 has no authentication (RFC 5798 §9).");
        }

        return errors;
    }

    /// <summary>The advert this instance sends with <paramref name="priority"/> (ours, or 0 when leaving).</summary>
    public VrrpPacket CreateAdvert(byte priority) =>
        new(Version, VirtualRouterId, priority, VirtualAddresses, AdvertInterval) { Authentication = Authentication };

    /// <summary>What the receive side must accept for this instance.</summary>
    public VrrpReceiveRules CreateReceiveRules(
        IReadOnlyList<IPAddress>? unicastPeers = null, VrrpChecksumMode checksumMode = VrrpChecksumMode.PseudoHeader) =>
        new(VirtualRouterId, Version, AdvertInterval)
        {
            Authentication = Authentication,
            VirtualAddresses = VirtualAddresses,
            UnicastPeers = unicastPeers ?? [],
            ChecksumMode = checksumMode,
        };
}
