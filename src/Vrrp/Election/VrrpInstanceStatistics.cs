using System.Net;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Election;

/// <summary>A snapshot of one instance's state and counters, for status and metrics.</summary>
/// <param name="MasterAddress">The current master as last heard (ours in Master); null when unknown.</param>
/// <param name="HoldsAddresses">The virtual addresses are ours (Master, or make-before-break hold).</param>
public sealed record VrrpInstanceStatistics(
    VrrpState State,
    bool IsHeld,
    bool HoldsAddresses,
    IPAddress? MasterAddress,
    byte MasterPriority,
    TimeSpan MasterAdvertInterval,
    long AdvertsSent,
    long PriorityZeroAdvertsSent,
    long AdvertsReceived,
    long PriorityZeroAdvertsReceived,
    long Transitions,
    long BecameMaster,
    long SinkFailures,
    IReadOnlyDictionary<VrrpDropReason, long> Drops);
