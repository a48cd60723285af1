using System.Net;
using System.Text.Json.Nodes;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Health;

/// <summary>
/// Checks per real server against real HTTP and TCP servers in namespaces (keepalived's checkers in a real_server
/// block, as the importer writes them): every check must pass, one broken URL takes the server out. The host has
/// no IPVS here, so the verdicts are read where they end: the desired table and health in <c>status --json</c>.
/// </summary>
public sealed class RealServerChecksTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    /// <summary>A bound, not a figure: each look is a CLI process, slow on a loaded machine.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly DirectorLan _lan = new("lb1", "rs1");
    private readonly string _site = Directory.CreateTempSubdirectory("hd-site-").FullName;
    private readonly List<ManagedProcess> _servers = [];

    public void Dispose()
    {
        foreach (var s in _servers)
        {
            s.Dispose();
        }

        _lan.Dispose();
        Directory.Delete(_site, recursive: true);
    }

    [Fact]
    public void TcpAndTwoUrlChecks_OneUrlBreaks_ServerRemovedOrInhibitedThenBack_UncheckedServerStaysUp()
    {
        var rs1 = _lan["rs1"];
        File.WriteAllText(Path.Combine(_site, "health"), "ok");
        File.WriteAllText(Path.Combine(_site, "ready"), "ok");
        _servers.Add(new ManagedProcess("http@rs1", rs1.Namespace, "python3", ["-m", "http.server", "8080", "--bind", rs1.Address.ToString(), "--directory", _site]));
        const string Checks = """
                    healthChecks:
                      - { type: tcp, port: 8080, interval: 1s, timeout: 500ms, rise: 1, fall: 1 }
                      - type: http
                        port: 8080
                        urls:
                          - { path: /health, expectStatus: [200] }
                          - { path: /ready }
                        interval: 1s
                        timeout: 500ms
                        rise: 1
                        fall: 1
            """;
        // lb1's own address on port 80 has nothing listening: with no checks it must stay up all the same.
        var director = _lan.Start(_lan["lb1"], DirectorProcess.VrrpConfig(51, 150, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()) + $$"""

            virtualServers:
              - name: web
                vip: {{Vip}}
                port: 80
                healthCheck: { type: tcp }
                realServers:
                  - address: {{rs1.Address}}
                    weight: 3
            {{Checks}}
                  - { address: {{_lan["lb1"].Address}}, weight: 2, healthChecks: [] }
              - name: web81
                vip: {{Vip}}
                port: 81
                realServers:
                  - address: {{rs1.Address}}
                    weight: 3
                    onFailure: inhibit
            {{Checks}}
            """);

        Wait.Until(() => Health(director, rs1.Address) is ("up", "up"), Bound,
            "both checks to pass", () => director.Process.Output);
        var status = Status(director);
        Assert.Equal(3, (int)RealServer(status, "web", rs1.Address)["desiredWeight"]!);
        Assert.Equal(["1:tcp", "2:http"], RealServer(status, "web", rs1.Address)["health"]!["checks"]!.AsArray().Select(c => (string)c!["check"]!));

        File.Delete(Path.Combine(_site, "ready"));
        Wait.Until(() => Health(director, rs1.Address) is ("down", "down"), Bound,
            "the broken URL to take the server down", () => director.Process.Output);
        status = Status(director);
        var removed = RealServer(status, "web", rs1.Address);
        Assert.Null(removed["desiredWeight"]);
        Assert.Equal(0, (int)RealServer(status, "web81", rs1.Address)["desiredWeight"]!);
        Assert.Equal("2:http: /ready: HTTP 404 (not expected)", (string)removed["health"]!["reason"]!);
        Assert.Equal(["up", "down"], removed["health"]!["checks"]!.AsArray().Select(c => (string)c!["state"]!));

        var alwaysUp = RealServer(status, "web", _lan["lb1"].Address);
        Assert.Equal(2, (int)alwaysUp["desiredWeight"]!);
        Assert.Null(alwaysUp["health"]);

        File.WriteAllText(Path.Combine(_site, "ready"), "ok");
        Wait.Until(() => Health(director, rs1.Address) is ("up", "up"), Bound,
            "the fixed URL to bring the server back", () => director.Process.Output);
        status = Status(director);
        Assert.Equal((3, 3), ((int)RealServer(status, "web", rs1.Address)["desiredWeight"]!, (int)RealServer(status, "web81", rs1.Address)["desiredWeight"]!));
        Assert.Contains("check 2:http", director.Cli("status").Stdout, StringComparison.Ordinal);
    }

    private static JsonNode Status(DirectorProcess director)
    {
        var result = director.Cli("status", "--json");
        return JsonNode.Parse(result.Stdout) ?? throw new InvalidOperationException(result.ToString());
    }

    private static JsonNode RealServer(JsonNode status, string virtualServer, IPAddress address) =>
        status["virtualServers"]!.AsArray().Single(v => (string)v!["name"]! == virtualServer)!["realServers"]!.AsArray()
            .Single(r => (string)r!["address"]! == address.ToString())!;

    /// <summary>The server's health state in web and in web81, from one status.</summary>
    private static (string?, string?) Health(DirectorProcess director, IPAddress address)
    {
        // Not the exit code: status says 1 while the instance is in fault (no IPVS in a namespace fails its table tracker).
        var result = director.Cli("status", "--json");
        if (!result.Stdout.TrimStart().StartsWith('{'))
        {
            return (null, null);
        }

        var status = JsonNode.Parse(result.Stdout)!;
        return ((string?)RealServer(status, "web", address)["health"]?["state"], (string?)RealServer(status, "web81", address)["health"]?["state"]);
    }
}
