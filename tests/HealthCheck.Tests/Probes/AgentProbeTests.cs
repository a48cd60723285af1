using System.Text;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Tests.Support;

namespace HaDirector.HealthCheck.Tests.Probes;

public sealed class AgentProbeTests
{
    [Theory]
    [InlineData("50%\n", true, WeightKind.Percent, 50)]
    [InlineData("drain\n", true, WeightKind.Percent, 0)]
    [InlineData("down\n", false, WeightKind.None, 0)]
    public async Task ProbeAsync_TcpAgent_ReportsItsLine(string line, bool up, WeightKind kind, int value)
    {
        await using var agent = LoopbackServer.Start((socket, token) => socket.SendAsync(Encoding.ASCII.GetBytes(line), token).AsTask());
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new AgentProbe(new ProbeEndpoint(agent.EndPoint)), TimeSpan.FromSeconds(10));

        Assert.Equal((up, new WeightReport(kind, value)), (result.Up, result.Weight));
    }

    [Fact]
    public async Task ProbeAsync_TcpAgentOverIpv6_ReportsItsLine()
    {
        await using var agent = LoopbackServer.StartIpv6((socket, token) => socket.SendAsync(Encoding.ASCII.GetBytes("75%\n"), token).AsTask());
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new AgentProbe(new ProbeEndpoint(agent.EndPoint)), TimeSpan.FromSeconds(10));

        Assert.Equal((true, WeightReport.Percent(75)), (result.Up, result.Weight));
    }

    [Theory]
    [InlineData(200, "50%", true, 50)]
    [InlineData(200, "down", false, 0)]
    [InlineData(503, "50%", false, 0)]
    public async Task ProbeAsync_HttpAgent_ReadsTheBodyOfA2xx(int status, string body, bool up, int percent)
    {
        await using var agent = LoopbackServer.Start(HttpServerScripts.Answer(HttpServerScripts.Response(status, body)));
        using var runner = new ProbeRunner(TimeProvider.System);
        var probe = new AgentProbe(new HttpGetOptions { Endpoint = new ProbeEndpoint(agent.EndPoint), Path = "/agent" });

        var result = await runner.RunAsync(probe, TimeSpan.FromSeconds(10));

        Assert.Equal(up, result.Up);
        if (up)
        {
            Assert.Equal(WeightReport.Percent(percent), result.Weight);
        }
    }

    [Fact]
    public async Task ProbeAsync_AgentNotRunning_IsDownRefused()
    {
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new AgentProbe(new ProbeEndpoint(LoopbackServer.Closed())), TimeSpan.FromSeconds(10));

        Assert.Equal((false, ProbeReasons.Refused), (result.Up, result.Reason));
    }
}
