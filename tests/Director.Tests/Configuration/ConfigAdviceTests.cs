using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

public class ConfigAdviceTests
{
    private const string Why = "198.18.10.80 is announced, and onFailure: remove takes a failed real server out of this director's Maglev table; "
        + "when it comes back it is added at the head of the list, so this director and the others map some flows to different real servers until "
        + "all have seen the same change, and connections the router moves between them are reset. Use onFailure: inhibit with "
        + "schedulerFlags: [mh-fallback] on virtualServers[0]";

    private static IReadOnlyList<ConfigError> Advice(string virtualServers, string vips = "[{ address: 198.18.10.80 }]")
    {
        var result = ConfigLoader.LoadFromText($"announce:\n  vips: {vips}\nvirtualServers:\n{virtualServers}", "t.yaml");
        Assert.Empty(result.Errors);
        return ConfigAdvice.For(result.Config!, result.Sources);
    }

    [Fact]
    public void For_AnnouncedMhServiceWithTheDefaultOnFailure_WarnsOnceAtItsHealthCheck()
    {
        var warnings = Advice("""
              - name: web
                vip: 198.18.10.80
                port: 80
                scheduler: mh
                healthCheck: { type: tcp, interval: 2s }
                realServers: [{ address: 198.18.20.1 }, { address: 198.18.20.2 }]
            """);

        // Not given, so the line is its health check's: where the operator adds it.
        Assert.Equal([$"t.yaml:8:18: virtualServers[0].healthCheck.onFailure: {Why}"], warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void For_OneRealServerOverridingInhibitWithRemove_WarnsAtThatServer()
    {
        var warnings = Advice("""
              - name: web
                vip: 198.18.10.80
                port: 80
                scheduler: mh
                schedulerFlags: [mh-fallback]
                healthCheck: { type: tcp, onFailure: inhibit }
                realServers:
                  - { address: 198.18.20.1 }
                  - { address: 198.18.20.2, onFailure: remove }
            """);

        var warning = Assert.Single(warnings);
        Assert.Equal(("virtualServers[0].realServers[1].onFailure", 12), (warning.FieldPath, warning.Line));
    }

    [Theory]
    [InlineData("inhibit with mh-fallback, as docs/scale-out.md advises",
        "  - { name: web, vip: 198.18.10.80, port: 80, scheduler: mh, schedulerFlags: [mh-fallback], healthCheck: { onFailure: inhibit }, realServers: [{ address: 198.18.20.1 }] }\n")]
    [InlineData("no health check: nothing is ever removed",
        "  - { name: web, vip: 198.18.10.80, port: 80, scheduler: mh, healthCheck: { type: none }, realServers: [{ address: 198.18.20.1 }] }\n")]
    public void For_NothingToAdvise_IsEmpty(string why, string virtualServers)
    {
        Assert.True(Advice(virtualServers).Count == 0, why);
    }

    [Fact]
    public void For_VrrpHeldVipWithRemove_IsEmpty()
    {
        var result = ConfigLoader.LoadFromText("""
            vrrp:
              instances:
                - { name: web, interface: eth0, vrid: 51, priority: 150, virtualAddresses: [198.18.10.80/32] }
            virtualServers:
              - { name: web, vip: 198.18.10.80, port: 80, scheduler: mh, realServers: [{ address: 198.18.20.1 }] }
            """, "t.yaml");
        Assert.Empty(result.Errors);

        Assert.Empty(ConfigAdvice.For(result.Config!, result.Sources));
    }
}
