using System.Net;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.HealthCheck.Tests.Probes;

public sealed class ExecProbeTests
{
    private static readonly IPEndPoint RealServer = new(IPAddress.Parse("198.18.0.7"), 8080);

    [Theory]
    [InlineData("true", true, "exit 0")]
    [InlineData("exit 1", false, "exit 1")]
    [InlineData("test \"$HADIRECTOR_RS_ADDRESS:$HADIRECTOR_RS_PORT\" = 198.18.0.7:8080", true, "exit 0")]
    public async Task ProbeAsync_ExitCode_DecidesUp(string command, bool up, string reason)
    {
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new ExecProbe(command, RealServer), TimeSpan.FromSeconds(10));

        Assert.Equal((up, reason), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_Ipv6RealServer_GetsTheAddressInRfc5952Form()
    {
        using var runner = new ProbeRunner(TimeProvider.System);
        var realServer = new IPEndPoint(IPAddress.Parse("2001:0002:0:0::0:7"), 8080);

        var result = await runner.RunAsync(
            new ExecProbe("test \"$HADIRECTOR_RS_ADDRESS $HADIRECTOR_RS_PORT\" = '2001:2::7 8080'", realServer), TimeSpan.FromSeconds(10));

        Assert.Equal((true, "exit 0"), (result.Up, result.Reason));
    }

    [Fact]
    public async Task ProbeAsync_DynamicWeightExit52_IsUpWithWeight50()
    {
        using var runner = new ProbeRunner(TimeProvider.System);

        var result = await runner.RunAsync(new ExecProbe("exit 52", RealServer, dynamicWeight: true), TimeSpan.FromSeconds(10));

        Assert.Equal((true, WeightReport.Absolute(50)), (result.Up, result.Weight));
    }

    [Theory]
    [InlineData(0, true, WeightKind.None, 0)]
    [InlineData(1, false, WeightKind.None, 0)]
    [InlineData(2, true, WeightKind.Absolute, 0)]
    [InlineData(255, true, WeightKind.Absolute, 253)]
    [InlineData(256, false, WeightKind.None, 0)]
    public void Verdict_DynamicWeight_FollowsKeepalivedMiscDynamic(int exitCode, bool up, WeightKind kind, int weight)
    {
        var result = ExecProbe.Verdict(exitCode, dynamicWeight: true);

        Assert.Equal((up, new WeightReport(kind, weight)), (result.Up, result.Weight));
    }

    [Fact]
    public void Verdict_WithoutDynamicWeight_AnyNonZeroIsDown()
    {
        Assert.False(ExecProbe.Verdict(52, dynamicWeight: false).Up);
    }

    [Fact]
    public async Task ProbeAsync_CommandOutlivesTheTimeout_IsDownTimedOut()
    {
        var time = new FakeTimeProvider();
        using var runner = new ProbeRunner(time);

        var pending = runner.RunAsync(new ExecProbe("sleep 30", RealServer), TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromSeconds(2));
        var result = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((false, ProbeReasons.TimedOut), (result.Up, result.Reason));
    }
}
