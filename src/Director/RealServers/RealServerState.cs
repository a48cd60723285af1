using System.Text.Json.Serialization;

namespace HaDirector.Director.RealServers;

/// <summary>
/// What <c>realserver up</c> changed, saved so that <c>down</c> can undo exactly that: the values the sysctls
/// had before the first <c>up</c>, the VIPs it added to lo and the VIPs that were already there.
/// </summary>
public sealed record RealServerState
{
    public int Version { get; init; } = 1;

    /// <summary>Sysctl name → value before the first up (only the ones up changed).</summary>
    public Dictionary<string, string> PreviousSysctls { get; init; } = [];

    /// <summary>VIPs up put on lo; down removes these.</summary>
    public List<string> AddedVips { get; init; } = [];

    /// <summary>VIPs that were on lo before up; down leaves them.</summary>
    public List<string> PresentVips { get; init; } = [];

    [JsonIgnore]
    public IEnumerable<string> AllVips => AddedVips.Concat(PresentVips);
}
