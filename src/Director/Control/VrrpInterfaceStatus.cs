namespace HaDirector.Director.Control;

/// <summary>
/// One interface VRRP runs on for one address family, in <see cref="StatusReport"/>: the adverts it dropped lately. An
/// interface with IPv4 and IPv6 instances is listed twice, once per <paramref name="Family"/>.
/// </summary>
/// <param name="Family"><c>ipv4</c> or <c>ipv6</c>, as the <c>family</c> label of the VRRP drop counters.</param>
/// <param name="DroppedAdverts">The latest kinds of dropped advert (by sender, VRID, version, reason), most recent first.</param>
public sealed record VrrpInterfaceStatus(string Name, string Family, IReadOnlyList<DroppedAdvertStatus> DroppedAdverts);
