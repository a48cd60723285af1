using System.Diagnostics;

namespace HaDirector.KernelTests.Director;

/// <summary>
/// Health checks driving the real kernel's IPVS table in the LVS-DR cluster inside the test VM: a real
/// server whose HTTP stops leaves `ipvsadm -Ln` and comes back after rise, an agent's answer becomes the
/// weight, and the sorry server stands in only while every real server is down.
/// </summary>
[Trait(KernelVm.Trait, KernelVm.TraitValue)]
public sealed class HealthIpvsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180); // TCG on a busy 2-core host is slow
    private const string HttpCheck = "{ type: http, path: /, interval: 1s, timeout: 500ms, rise: 2, fall: 2 }";
    private const string AgentCheck = "{ type: agent, port: 9999, agentProtocol: tcp, interval: 1s, timeout: 500ms, rise: 1, fall: 1 }";
    private readonly LvsDrCluster _cluster;
    private readonly ITestOutputHelper _output;

    public HealthIpvsTests(ITestOutputHelper output)
    {
        KernelVm.Require();
        _output = output;
        _cluster = new LvsDrCluster("lb1");
    }

    private LanHost Lb1 => _cluster.Lan["lb1"];

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public void FailingServers_LeaveTheTable_ReturnAfterRise_AgentSetsWeight_SorryServerOnlyWhenAllAreDown()
    {
        _cluster.StartAgent(_cluster.Rs1, "up 50%");
        _cluster.StartAgent(_cluster.Rs2, "drain");
        _cluster.StartDirector("lb1", _cluster.Config(150, webCheck: HttpCheck, echoCheck: AgentCheck, echoWeight: 100,
            webExtra: "sorryServer: { address: 198.18.0.250, port: 80 }"));
        Wait.Until(() => Lb1.HasAddress(LvsDrCluster.Vip), Bound, "lb1 to be master", _cluster.Diagnostics);
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 80, _cluster.Rs1) == 2 && LvsDrCluster.Weight(Lb1, 80, _cluster.Rs2) == 1, Bound,
            "both real servers in web", _cluster.Diagnostics);

        // The agent's answer is the weight: 50 % of 100, and drain is 0.
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 7, _cluster.Rs1) == 50 && LvsDrCluster.Weight(Lb1, 7, _cluster.Rs2) == 0, Bound,
            "agent weights 50 and 0 on echo", _cluster.Diagnostics);

        var stopped = Stopwatch.StartNew();
        _cluster.StopHttp(_cluster.Rs1);
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 80, _cluster.Rs1) is null, Bound, "rs1 removed from web", _cluster.Diagnostics);
        _output.WriteLine($"rs1 left the table {stopped.Elapsed.TotalSeconds:0.0} s after its HTTP stopped (fall 2 x 1 s + 0.5 s timeout)");
        Assert.Equal(["rs2"], Enumerable.Range(0, 4).Select(_ => _cluster.Get()).ToHashSet());
        Assert.DoesNotContain("198.18.0.250:80", LvsDrCluster.Ipvsadm(Lb1, "-Ln"));

        _cluster.StopHttp(_cluster.Rs2);
        Wait.Until(() => LvsDrCluster.Ipvsadm(Lb1, "-Ln").Contains("198.18.0.250:80"), Bound, "the sorry server when all are down", _cluster.Diagnostics);
        Assert.Null(LvsDrCluster.Weight(Lb1, 80, _cluster.Rs2));

        _cluster.StartHttp(_cluster.Rs1);
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 80, _cluster.Rs1) == 2, Bound, "rs1 back after rise", _cluster.Diagnostics);
        Wait.Until(() => !LvsDrCluster.Ipvsadm(Lb1, "-Ln").Contains("198.18.0.250:80"), Bound, "the sorry server gone", _cluster.Diagnostics);
        Assert.Equal("rs1", _cluster.Get());
    }
}
