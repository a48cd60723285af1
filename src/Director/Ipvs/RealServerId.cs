namespace HaDirector.Director.Ipvs;

/// <summary>One real server of one virtual service: the key health verdicts are given under.</summary>
public readonly record struct RealServerId(ServiceKey Service, DestinationKey Destination)
{
    public override string ToString() => $"{Destination} of {Service}";
}
