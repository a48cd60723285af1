using System.Net;

namespace HaDirector.Director.RealServers;

/// <summary>What the host looks like now: the sysctls of <see cref="RealServerSysctls.Desired"/> and where IPv4 addresses are.</summary>
/// <param name="Sysctls">Sysctl name → current value.</param>
/// <param name="LoopbackAddresses">IPv4 addresses on lo.</param>
/// <param name="OtherInterfaces">IPv4 address → the non-lo interface holding it.</param>
/// <param name="LoopbackUp">Whether lo is administratively up (a VIP on a down lo receives nothing).</param>
public sealed record RealServerObservation(
    IReadOnlyDictionary<string, string> Sysctls,
    IReadOnlySet<IPAddress> LoopbackAddresses,
    IReadOnlyDictionary<IPAddress, string> OtherInterfaces,
    bool LoopbackUp = true);
