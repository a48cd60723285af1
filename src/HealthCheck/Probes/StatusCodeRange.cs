namespace HaDirector.HealthCheck.Probes;

/// <summary>Accepted HTTP statuses, inclusive on both ends.</summary>
public readonly record struct StatusCodeRange(int From, int To)
{
    public bool Contains(int status) => status >= From && status <= To;
}
