namespace HaDirector.Linux.Tests.Support;

/// <summary>A fact over the ipvsadm captures; fails (never skips) when they are missing.</summary>
public sealed class IpvsadmFixtureFactAttribute : FactAttribute
{
    public IpvsadmFixtureFactAttribute()
    {
    }
}
