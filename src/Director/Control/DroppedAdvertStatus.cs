namespace HaDirector.Director.Control;

/// <summary>Adverts of one kind an interface dropped (see <see cref="VrrpInterfaceStatus"/>).</summary>
/// <param name="Reason">The drop reason, e.g. UnknownVrid, VersionMismatch, AddressListMismatch.</param>
/// <param name="ClaimedAddress">One of our VIPs that they list: that sender is master of it too (split brain); null when none.</param>
/// <param name="ForeignRouter">Another VRRP router with a VRID of its own and none of our VIPs: normal.</param>
public sealed record DroppedAdvertStatus(
    string Source,
    int Vrid,
    int Version,
    string Reason,
    string? ClaimedAddress,
    bool ForeignRouter,
    long Count,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen);
