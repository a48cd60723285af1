namespace HaDirector.Vrrp.Election;

/// <summary>A snapshot of one instance's counters and state, for status and metrics.</summary>
public sealed record VrrpInstanceStatistics(
    VrrpState State,
    bool IsHeld,
    long AdvertsSent,
    long PriorityZeroAdvertsSent,
    long AdvertsReceived,
    long PriorityZeroAdvertsReceived,
    long Transitions,
    long BecameMaster,
    long SinkFailures,
    IReadOnlyDictionary<Protocol.VrrpDropReason, long> Drops);
