namespace HaDirector.Linux.Tests.Support;

/// <summary>A theory over the ipvsadm captures; skipped, saying why, where they are not checked out.</summary>
public sealed class IpvsadmFixtureTheoryAttribute : TheoryAttribute
{
    public IpvsadmFixtureTheoryAttribute()
    {
    }
}
