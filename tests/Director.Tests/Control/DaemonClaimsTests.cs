using HaDirector.Director.Configuration;
using HaDirector.Director.Control;

namespace HaDirector.Director.Tests.Control;

/// <summary>Two daemons on one host must not both run a configuration, a VRID on an interface, or a VIP.</summary>
public sealed class DaemonClaimsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("claims-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DirectorConfig Config(int vrid, string vip) => ConfigLoader.LoadFromText($"""
        vrrp:
          instances:
            - {"{"} name: web, interface: eth0, vrid: {vrid}, priority: 150, virtualAddresses: [{vip}/32] {"}"}
        """, "t.yaml").Config!;

    private DaemonClaims? Acquire(string file, DirectorConfig config, out string? refusal) =>
        DaemonClaims.TryAcquire(Path.Combine(_dir, file), config, out refusal, _dir);

    [Fact]
    public void TryAcquire_SameConfigurationTwice_SecondRefusedNamingTheFirst()
    {
        using var first = Acquire("a.yaml", Config(51, "198.18.0.100"), out _);

        var second = Acquire("a.yaml", Config(51, "198.18.0.100"), out var refusal);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal($"another hadirector (pid {Environment.ProcessId}, config {Path.Combine(_dir, "a.yaml")}) already runs configuration {Path.Combine(_dir, "a.yaml")}", refusal);
    }

    [Fact]
    public void TryAcquire_OtherConfigurationSameVridOnSameInterface_Refused()
    {
        using var first = Acquire("a.yaml", Config(51, "198.18.0.100"), out _);

        var second = Acquire("b.yaml", Config(51, "198.18.0.101"), out var refusal);

        Assert.Null(second);
        Assert.EndsWith("already runs VRID 51 on eth0", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void TryAcquire_OtherConfigurationSameVip_Refused()
    {
        using var first = Acquire("a.yaml", Config(51, "198.18.0.100"), out _);

        var second = Acquire("b.yaml", Config(52, "198.18.0.100"), out var refusal);

        Assert.Null(second);
        Assert.EndsWith("already runs virtual address 198.18.0.100", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void TryAcquire_AfterTheFirstStopped_Succeeds()
    {
        Acquire("a.yaml", Config(51, "198.18.0.100"), out _)!.Dispose();

        using var second = Acquire("a.yaml", Config(51, "198.18.0.100"), out var refusal);

        Assert.NotNull(second);
        Assert.Null(refusal);
    }

    [Fact]
    public void Update_VridAnotherDaemonRuns_RefusedAndOwnClaimsKept()
    {
        using var first = Acquire("a.yaml", Config(51, "198.18.0.100"), out _);
        using var other = Acquire("b.yaml", Config(52, "198.18.0.101"), out _);

        var refusal = first!.Update(Config(52, "198.18.0.100"));

        Assert.EndsWith("already runs VRID 52 on eth0", refusal, StringComparison.Ordinal);
        Assert.Null(Acquire("c.yaml", Config(51, "198.18.0.102"), out var third));
        Assert.EndsWith("already runs VRID 51 on eth0", third, StringComparison.Ordinal);
    }
}
