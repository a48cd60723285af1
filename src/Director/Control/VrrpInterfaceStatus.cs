namespace HaDirector.Director.Control;

/// <summary>One interface VRRP runs on, in <see cref="StatusReport"/>: the adverts it dropped lately.</summary>
/// <param name="DroppedAdverts">The latest kinds of dropped advert (by sender, VRID, version, reason), most recent first.</param>
public sealed record VrrpInterfaceStatus(string Name, IReadOnlyList<DroppedAdvertStatus> DroppedAdverts);
