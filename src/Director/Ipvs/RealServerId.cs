namespace HaDirector.Director.Ipvs;

/// <summary>
/// One real server of one virtual service: the key health verdicts are given under. A class with its own
/// equality for the same reason as <see cref="ServiceKey"/>: no JIT on the start path.
/// </summary>
public sealed record RealServerId(ServiceKey Service, DestinationKey Destination)
{
    public bool Equals(RealServerId? other) => other is not null && Service.Equals(other.Service) && Destination.Equals(other.Destination);

    public override int GetHashCode() => Service.GetHashCode() * 31 + Destination.GetHashCode();

    public override string ToString() => $"{Destination} of {Service}";
}
