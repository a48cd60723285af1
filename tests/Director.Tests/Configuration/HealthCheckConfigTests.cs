using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.HealthCheck.Probes;

namespace HaDirector.Director.Tests.Configuration;

/// <summary>The <c>healthCheck</c> keys beyond the basics: parsed values and the errors check-config prints.</summary>
public sealed class HealthCheckConfigTests
{
    private static string WithCheck(string check) => ConfigLoaderTests.Minimal + $$"""

        virtualServers:
          - name: web
            vip: 10.19.166.88
            port: 80
            healthCheck: {{check}}
        """;

    [Fact]
    public void LoadFromText_TcpSendExpectAndSource_AreRead()
    {
        var check = Load("""{ type: tcp, send: "PING\r\n", expect: "^\\+PONG", sourceAddress: 10.19.166.2 }""");

        Assert.Equal(("PING\r\n", "^\\+PONG", IPAddress.Parse("10.19.166.2")), (check.Send, check.Expect, check.SourceAddress));
    }

    [Fact]
    public void LoadFromText_TcpHalfOpen_IsReadAndBuildsTheHalfOpenProbe()
    {
        var check = Load("{ type: tcp, halfOpen: true, sourceAddress: 10.19.166.2 }");
        using var factory = new HaDirector.Director.Health.ProbeFactory();
        var probe = factory.Create(check, new RealServerConfig { Address = IPAddress.Parse("10.19.166.119"), Port = 80 });

        Assert.True(check.HalfOpen);
        Assert.IsType<HaDirector.HealthCheck.Probes.HalfOpenProbe>(probe);
        Assert.IsType<HaDirector.HealthCheck.Probes.TcpProbe>(factory.Create(check with { HalfOpen = false }, new RealServerConfig()));
    }

    [Fact]
    public void LoadFromText_HttpsDigestSniAndTlsVerify_AreRead()
    {
        var check = Load("{ type: https, digest: 9E107D9D372BB6826BD81D3542A419D6, sni: web.example, tlsVerify: false }");

        Assert.Equal(("9e107d9d372bb6826bd81d3542a419d6", "web.example", false), (check.Digest, check.Sni, check.TlsVerify));
    }

    [Fact]
    public void LoadFromText_AgentAndExec_AreRead()
    {
        var agent = Load("{ type: agent, agentProtocol: http, port: 9777, path: /agent }");
        var exec = Load("{ type: exec, command: /usr/local/bin/check, dynamicWeight: true }");

        Assert.Equal((AgentProtocol.Http, 9777, "/agent"), (agent.AgentProtocol, agent.Port!.Value, agent.Path));
        Assert.True(exec.DynamicWeight);
    }

    [Fact]
    public void LoadFromText_NewKeysLeftOut_HaveTheirDefaults()
    {
        var check = Load("{ type: https }");

        Assert.Equal(
            (null, null, null, null, true, false, AgentProtocol.Tcp, null),
            (check.Send, check.Expect, check.Digest, check.Sni, check.TlsVerify, check.DynamicWeight, check.AgentProtocol, (IPAddress?)check.SourceAddress));
    }

    public static TheoryData<string, string[]> BrokenChecks => new()
    {
        { "{ type: grpc }", ["t.yaml:12:26: virtualServers[0].healthCheck.type: expected one of tcp, http, https, exec, agent, none, got 'grpc'"] },
        { "{ type: tcp, interval: 1s, timeout: 2s }", ["t.yaml:12:54: virtualServers[0].healthCheck.timeout: must be shorter than interval (1s), got 2s"] },
        { "{ type: tcp, expect: \"(\" }", ["t.yaml:12:39: virtualServers[0].healthCheck.expect: does not compile: Invalid pattern '(' at offset 1. Not enough )'s."] },
        { "{ type: http, digest: abc }", ["t.yaml:12:40: virtualServers[0].healthCheck.digest: expected 32 (MD5) or 64 (SHA-256) hex digits, got 'abc'"] },
        {
            "{ type: http, bodyRegex: ok, digest: 9e107d9d372bb6826bd81d3542a419d6 }",
            ["t.yaml:12:55: virtualServers[0].healthCheck.digest: give bodyRegex or digest, not both"]
        },
        { "{ type: agent }", ["t.yaml:12:18: virtualServers[0].healthCheck.port: an agent check needs the agent's port"] },
        { "{ type: agent, port: 9777, agentProtocol: udp }", ["t.yaml:12:60: virtualServers[0].healthCheck.agentProtocol: expected one of tcp, http, got 'udp'; did you mean 'tcp'?"] },
        { "{ type: tcp, sourceAddress: eth0 }", ["t.yaml:12:46: virtualServers[0].healthCheck.sourceAddress: expected an IPv4 or IPv6 address like 10.0.0.1 or 2001:db8::1, got 'eth0'"] },
        {
            "{ type: http, sni: web.example, tlsVerify: false, send: x, dynamicWeight: true }",
            [
                "t.yaml:12:37: virtualServers[0].healthCheck.sni: only used by https checks; this check is http",
                "t.yaml:12:61: virtualServers[0].healthCheck.tlsVerify: only used by https checks; this check is http",
                "t.yaml:12:74: virtualServers[0].healthCheck.send: only used by tcp checks; this check is http",
                "t.yaml:12:92: virtualServers[0].healthCheck.dynamicWeight: only used by exec checks; this check is http",
            ]
        },
        {
            "{ type: tcp, halfOpen: true, send: PING, expect: PONG }",
            [
                "t.yaml:12:53: virtualServers[0].healthCheck.send: cannot be used with halfOpen: a half-open check sends a SYN and never connects",
                "t.yaml:12:67: virtualServers[0].healthCheck.expect: cannot be used with halfOpen: a half-open check sends a SYN and never connects",
            ]
        },
        { "{ type: http, halfOpen: true }", ["t.yaml:12:42: virtualServers[0].healthCheck.halfOpen: only used by tcp checks; this check is http"] },
        { "{ type: exec, command: x, sourceAddress: 10.0.0.1 }", ["t.yaml:12:59: virtualServers[0].healthCheck.sourceAddress: only used by tcp, http, https and agent checks; this check is exec"] },
    };

    [Theory]
    [MemberData(nameof(BrokenChecks))]
    public void LoadFromText_BrokenCheck_ReportsFileLineAndField(string check, string[] errors)
    {
        var result = ConfigLoader.LoadFromText(WithCheck(check), "t.yaml");

        Assert.Equal(errors, result.Errors.Select(e => e.ToString()));
    }

    private static HealthCheckConfig Load(string check)
    {
        var result = ConfigLoader.LoadFromText(WithCheck(check), "t.yaml");
        Assert.Empty(result.Errors);
        return result.Config!.VirtualServers[0].HealthCheck;
    }
}
