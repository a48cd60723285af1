namespace HaDirector.Director.Configuration;

/// <summary>An accepted HTTP status, a single code (<c>200</c>) or a range (<c>200-299</c>).</summary>
public sealed record StatusRange(int From, int To)
{
    public bool Contains(int status) => status >= From && status <= To;

    public override string ToString() => From == To ? $"{From}" : $"{From}-{To}";
}
