namespace HaDirector.Director.Control;

/// <summary>One VRRP instance in <see cref="StatusReport"/>.</summary>
/// <param name="State">initialize, backup, master or fault.</param>
/// <param name="Held">After <c>hadirector failover</c>: stays backup until <c>hadirector resume</c>.</param>
/// <param name="HoldsAddresses">Every VIP (excluded ones too) is on its device now, as the kernel reports it (not as the election believes).</param>
/// <param name="VirtualAddresses">The advertised addresses (<c>virtualAddresses</c>); <see cref="Addresses"/> has every held one.</param>
/// <param name="MasterAddress">The master's primary address as last heard; ours when master; null when unknown.</param>
/// <param name="MissingAddresses">VIPs, advertised or excluded, this node should hold (master, or a failover waiting for the new master) that their device lacks.</param>
/// <param name="Warnings">What an operator must act on: a VIP missing, held while backup, or claimed by another VRRP router.</param>
public sealed record InstanceStatus(
    string Name,
    string Interface,
    int Vrid,
    int Version,
    int Priority,
    string State,
    bool Held,
    bool HoldsAddresses,
    IReadOnlyList<string> VirtualAddresses,
    string? MasterAddress,
    int MasterPriority,
    DateTimeOffset Since,
    string? LastCause,
    IReadOnlyList<string> MissingAddresses,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Every address the master holds, advertised then excluded, with its device, label and presence.</summary>
    public IReadOnlyList<VirtualAddressStatus> Addresses { get; init; } = [];

    /// <summary>The priority advertised: <see cref="Priority"/> moved by the trackers' weights; null without trackers.</summary>
    public int? EffectivePriority { get; init; }

    /// <summary>The instance's <c>track:</c> list with each tracker's state; empty without trackers.</summary>
    public IReadOnlyList<TrackStatus> Trackers { get; init; } = [];

    /// <summary>Why the instance is in Fault (link down, which fault trackers fail, its sync group); null otherwise.</summary>
    public string? FaultReason { get; init; }

    public string? SyncGroup { get; init; }

    /// <summary>HMAC authentication (key ids, counters, last verified peer); null without <c>type: hmac</c>.</summary>
    public AuthenticationStatus? Authentication { get; init; }
}
