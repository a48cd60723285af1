namespace HaDirector.Director.Ipvs;

/// <summary>The whole IPVS table as one dump saw it (services, then each one's destinations).</summary>
public sealed record KernelTable(IReadOnlyList<KernelService> Services)
{
    public static KernelTable Empty { get; } = new([]);

    public int DestinationCount => Services.Sum(s => s.Destinations.Count);
}
