namespace HaDirector.Netlink.Tests.Support;

/// <summary>A fact over the ipvsadm captures; skipped where they are not checked out.</summary>
public sealed class IpvsadmFixtureFactAttribute : FactAttribute
{
    public IpvsadmFixtureFactAttribute()
    {
        if (IpvsadmFixtures.Directory is null)
        {
            Skip = $"no ipvsadm fixtures (tests/Netlink.Tests/Fixtures/ipvsadm, or set {IpvsadmFixtures.EnvironmentVariable})";
        }
    }
}
