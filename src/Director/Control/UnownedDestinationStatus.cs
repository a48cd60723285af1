namespace HaDirector.Director.Control;

/// <summary>A destination of an unowned service, as the kernel has it.</summary>
public sealed record UnownedDestinationStatus(string Address, int Port, int Weight, long ActiveConnections, long InactiveConnections);
