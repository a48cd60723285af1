namespace HaDirector.Director.Control;

/// <summary>One address an instance's master holds, in <see cref="InstanceStatus.Addresses"/>.</summary>
/// <param name="Address">ADDR/PREFIX.</param>
/// <param name="Device">The interface it goes on: its <c>dev</c>, else the instance's interface.</param>
/// <param name="Label">Its IFA_LABEL; null for none.</param>
/// <param name="Excluded">From <c>excludedAddresses</c>: held by the master, not listed in adverts.</param>
/// <param name="Present">On <paramref name="Device"/> now, as the kernel reports it.</param>
public sealed record VirtualAddressStatus(string Address, string Device, string? Label, bool Excluded, bool Present);
