using System.Net;

namespace HaDirector.Director.RealServers;

/// <summary>The changes one <c>realserver up</c> or <c>down</c> makes, and the state to keep afterwards.</summary>
/// <param name="SysctlWrites">Values to write, in order.</param>
/// <param name="VipsToAdd">Addresses to add to lo as /32.</param>
/// <param name="VipsToRemove">Addresses to delete from lo.</param>
/// <param name="NewState">The state file's new content; null deletes it.</param>
/// <param name="Notes">What the operator should know (already-present VIPs, VIPs on other interfaces, ...).</param>
public sealed record RealServerPlan(
    IReadOnlyList<SysctlSetting> SysctlWrites,
    IReadOnlyList<IPAddress> VipsToAdd,
    IReadOnlyList<IPAddress> VipsToRemove,
    RealServerState? NewState,
    IReadOnlyList<string> Notes)
{
    public bool ChangesHost => SysctlWrites.Count > 0 || VipsToAdd.Count > 0 || VipsToRemove.Count > 0;
}
