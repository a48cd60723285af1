using HaDirector.Director.Configuration;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.Director.Tests.Configuration;

/// <summary><c>realServers[].healthChecks</c> and <c>onFailure</c>: keepalived's checkers per real server, as its importer writes them.</summary>
public sealed class RealServerChecksConfigTests
{
    private const string Digest = "9b3a0c6f1e2d4a5b8c7d6e5f4a3b2c1d";

    private static string WithServers(string realServers) => ConfigLoaderTests.Minimal + $$"""

        virtualServers:
          - name: web
            vip: 10.19.166.88
            port: 80
            healthCheck: { type: http, path: /health }
            realServers:
        {{realServers}}
        """;

    [Fact]
    public void LoadFromText_ImporterContract_ReadsEveryServersChecks()
    {
        var servers = Load($$"""
                  - address: 10.19.166.10
                    onFailure: inhibit
                    healthChecks:
                      - { type: tcp, port: 8080, timeout: 3s, interval: 5s }
                      - type: http
                        urls:
                          - { path: /health, expectStatus: [200] }
                          - { path: /ready, digest: {{Digest}} }
                        timeout: 2s
                        interval: 5s
                  - address: 10.19.166.11
                    healthChecks: []
                  - address: 10.19.166.12
            """);

        var (first, second, third) = (servers[0], servers[1], servers[2]);
        Assert.Equal(FailureAction.Inhibit, first.OnFailure);
        Assert.Equal(
            [new HealthCheckConfig { Type = HealthCheckType.Tcp, Port = 8080, Timeout = TimeSpan.FromSeconds(3), Interval = TimeSpan.FromSeconds(5) },
             new HealthCheckConfig
             {
                 Type = HealthCheckType.Http,
                 Timeout = TimeSpan.FromSeconds(2),
                 Interval = TimeSpan.FromSeconds(5),
                 Urls = [new HttpUrlConfig { Path = "/health", ExpectStatus = [new StatusCodeRange(200, 200)] }, new HttpUrlConfig { Path = "/ready", Digest = Digest }],
             }],
            first.HealthChecks);
        Assert.Equal((0, (FailureAction?)null), (second.HealthChecks!.Count, second.OnFailure));
        Assert.Null(third.HealthChecks);
    }

    [Fact]
    public void LoadFromText_CheckOfAServer_DefaultsAsHealthCheckNotAsTheServices()
    {
        // A keepalived checker is self-contained: the service's healthCheck (http, 5s) lends it nothing.
        var result = ConfigLoader.LoadFromText(
            ConfigLoaderTests.Minimal + """

            virtualServers:
              - name: web
                vip: 10.19.166.88
                port: 80
                healthCheck: { type: http, path: /health, interval: 5s, rise: 7 }
                realServers:
                  - { address: 10.19.166.10, healthChecks: [{ port: 8080 }] }
            """,
            "t.yaml");

        Assert.Empty(result.Errors);
        Assert.Equal(new HealthCheckConfig { Port = 8080 }, result.Config!.VirtualServers[0].RealServers[0].HealthChecks![0]);
    }

    public static TheoryData<string, string[]> BrokenServers => new()
    {
        {
            """
                      - address: 10.19.166.10
                        healthChecks:
                          - { type: tcp, onFailure: inhibit }
            """,
            ["t.yaml:16:41: virtualServers[0].realServers[0].healthChecks[0].onFailure: is per real server, not per check: move it up to the real server (realServers[].onFailure)"]
        },
        {
            """
                      - address: 10.19.166.10
                        healthChecks:
                          - type: http
                            path: /health
                            urls: [{ path: /ready }]
            """,
            ["t.yaml:17:23: virtualServers[0].realServers[0].healthChecks[0].path: cannot be used with urls: give it in each url (urls[].path), or drop urls for a single URL"]
        },
        {
            """
                      - address: 10.19.166.10
                        healthChecks:
                          - { type: tcp, urls: [{ path: /ready }] }
            """,
            ["t.yaml:16:36: virtualServers[0].realServers[0].healthChecks[0].urls: only used by http and https checks; this check is tcp"]
        },
        {
            """
                      - address: 10.19.166.10
                        healthChecks:
                          - type: https
                            urls:
                              - { expectStatus: [200] }
                              - { path: /x, digest: 9b3a0c6f1e2d4a5b8c7d6e5f4a3b2c1d, bodyRegex: ok }
                              - { path: /y, bodyRegex: "(" }
            """,
            [
                "t.yaml:18:21: virtualServers[0].realServers[0].healthChecks[0].urls[0].path: missing required key 'path'",
                "t.yaml:19:41: virtualServers[0].realServers[0].healthChecks[0].urls[1].digest: give bodyRegex or digest, not both",
                "t.yaml:20:44: virtualServers[0].realServers[0].healthChecks[0].urls[2].bodyRegex: does not compile: Invalid pattern '(' at offset 1. Not enough )'s.",
            ]
        },
        {
            """
                      - address: 10.19.166.10
                        healthChecks:
                          - { type: tcp }
                          - { type: agent, interval: 1s, timeout: 2s }
            """,
            [
                "t.yaml:17:17: virtualServers[0].realServers[0].healthChecks[1].port: an agent check needs the agent's port",
                "t.yaml:17:55: virtualServers[0].realServers[0].healthChecks[1].timeout: must be shorter than interval (1s), got 2s",
            ]
        },
        {
            """
                      - { address: 10.19.166.10, onFailure: drop, healthChecks: { type: tcp } }
            """,
            [
                "t.yaml:14:49: virtualServers[0].realServers[0].onFailure: expected one of remove, inhibit, got 'drop'",
                "t.yaml:14:69: virtualServers[0].realServers[0].healthChecks: expected a list, got a mapping",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(BrokenServers))]
    public void LoadFromText_BrokenServerChecks_ReportsFileLineAndField(string realServers, string[] errors)
    {
        var result = ConfigLoader.LoadFromText(WithServers(realServers), "t.yaml");

        Assert.Equal(errors, result.Errors.Select(e => e.ToString()));
    }

    private static ValueList<RealServerConfig> Load(string realServers)
    {
        var result = ConfigLoader.LoadFromText(WithServers(realServers), "t.yaml");
        Assert.Empty(result.Errors);
        return result.Config!.VirtualServers[0].RealServers;
    }
}
