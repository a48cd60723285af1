namespace HaDirector.Director.Control;

/// <summary>A kernel IPVS service this configuration does not own: shown, never touched.</summary>
public sealed record UnownedServiceStatus(string Service, string Scheduler, IReadOnlyList<UnownedDestinationStatus> Destinations);
