using System.Net.Sockets;
using System.Text.Json.Nodes;
using HaDirector.Linux.Interop;

namespace HaDirector.KernelTests.Director;

/// <summary>
/// `hadirector run` programming the real kernel's IPVS in an LVS-DR cluster inside the test VM, with
/// ipvsadm as the witness: services before VIPs, drift repaired, unowned services left alone, drains,
/// a restart that writes nothing and keeps an established connection, and connections in flight surviving
/// every kind of VIP move (sync daemons in both roles, the takeover grace).
/// </summary>
[Trait(KernelVm.Trait, KernelVm.TraitValue)]
public sealed class DirectorIpvsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180); // TCG on a busy 2-core host is slow
    private readonly LvsDrCluster _cluster;

    public DirectorIpvsTests()
    {
        KernelVm.Require();
        _cluster = new LvsDrCluster("lb1", "lb2");
    }

    private LanHost Lb1 => _cluster.Lan["lb1"];

    private LanHost Lb2 => _cluster.Lan["lb2"];

    public void Dispose() => _cluster.Dispose();

    private void WaitMaster(LanHost host) =>
        Wait.Until(() => host.HasAddress(LvsDrCluster.Vip), Bound, host.Name + " to hold the VIP", _cluster.Diagnostics);

    private static JsonNode Status(DirectorProcess director)
    {
        var result = director.Cli("status", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Stdout)!;
    }

    [Fact]
    public void Master_ProgramsDrServices_ServesTraffic_AndRepairsEveryKindOfDrift()
    {
        var lb1 = _cluster.StartDirector("lb1", _cluster.Config(150));
        WaitMaster(Lb1);

        // Services were in place before the VIP went up, with the configured scheduler, DR and weights.
        var table = LvsDrCluster.Ipvsadm(Lb1, "-Ln");
        Assert.Matches(@"TCP\s+198\.18\.0\.100:80 wlc", table);
        Assert.Matches(@"->\s+198\.18\.0\.12:80\s+Route\s+2", table);
        Assert.Matches(@"->\s+198\.18\.0\.13:80\s+Route\s+1", table);
        var served = Enumerable.Range(0, 6).Select(_ => _cluster.Get()).ToHashSet();
        Assert.Equal(["rs1", "rs2"], served.Order());

        // Someone else's service: never touched, shown in status.
        LvsDrCluster.Ipvsadm(Lb1, "-A", "-t", "198.18.0.200:8080", "-s", "rr");

        LvsDrCluster.Ipvsadm(Lb1, "-e", "-t", "198.18.0.100:80", "-r", "198.18.0.12:80", "-g", "-w", "7");
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 80, _cluster.Rs1) == 2, Bound, "a hand-edited weight to be set back", _cluster.Diagnostics);

        LvsDrCluster.Ipvsadm(Lb1, "-d", "-t", "198.18.0.100:80", "-r", "198.18.0.13:80");
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 80, _cluster.Rs2) == 1, Bound, "a deleted destination to return", _cluster.Diagnostics);

        LvsDrCluster.Ipvsadm(Lb1, "-C");
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 80, _cluster.Rs1) == 2 && LvsDrCluster.Weight(Lb1, 7, _cluster.Rs2) == 1, Bound,
            "the table to come back after ipvsadm -C", _cluster.Diagnostics);

        LvsDrCluster.Ipvsadm(Lb1, "-A", "-t", "198.18.0.200:8080", "-s", "rr");
        var passes = Status(lb1)["ipvs"]!["passes"]!.GetValue<long>();
        Wait.Until(() => Status(lb1)["ipvs"]!["passes"]!.GetValue<long>() >= passes + 2, Bound, "two more passes", _cluster.Diagnostics);
        Assert.Matches(@"TCP\s+198\.18\.0\.200:8080 rr", LvsDrCluster.Ipvsadm(Lb1, "-Ln"));
        var unowned = Status(lb1)["unownedServices"]!.AsArray();
        Assert.Contains(unowned, u => u!["service"]!.GetValue<string>() == "198.18.0.200:8080/tcp");
    }

    [Fact]
    public void Drain_SetsWeightZeroInTheKernelAndStatus_UndrainRestoresIt()
    {
        var lb1 = _cluster.StartDirector("lb1", _cluster.Config(150));
        WaitMaster(Lb1);
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 80, _cluster.Rs1) == 2, Bound, "rs1 programmed", _cluster.Diagnostics);

        var drain = lb1.Cli("drain", "198.18.0.12:80", "--service", "web");
        Assert.True(drain.ExitCode == 0, drain.ToString());
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 80, _cluster.Rs1) == 0, Bound, "rs1 weight 0 in web", _cluster.Diagnostics);
        Assert.Equal(1, LvsDrCluster.Weight(Lb1, 7, _cluster.Rs1)); // the echo service keeps its weight: the drain named web only
        var web = Status(lb1)["virtualServers"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "web")!;
        var rs1 = web["realServers"]!.AsArray().Single(r => r!["address"]!.GetValue<string>() == "198.18.0.12")!;
        Assert.True(rs1["drained"]!.GetValue<bool>());
        Assert.Equal(0, rs1["kernelWeight"]!.GetValue<int>());
        Assert.Equal(["rs2"], Enumerable.Range(0, 4).Select(_ => _cluster.Get()).ToHashSet());

        Assert.Equal(64, lb1.Cli("drain", "198.18.0.99").ExitCode); // an unknown real server is a usage error (docs/cli.md)
        var undrain = lb1.Cli("undrain", "198.18.0.12:80", "--service", "web");
        Assert.True(undrain.ExitCode == 0, undrain.ToString());
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 80, _cluster.Rs1) == 2, Bound, "rs1 weight back to 2", _cluster.Diagnostics);
    }

    [Fact]
    public void Restart_WritesNothing_AndAnEstablishedConnectionKeepsWorking()
    {
        var first = _cluster.StartDirector("lb1", _cluster.Config(150));
        WaitMaster(Lb1);
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 7, _cluster.Rs2) == 1, Bound, "echo programmed", _cluster.Diagnostics);

        using var connection = OpenEcho();
        var server = LvsDrCluster.Echo(connection, "before");
        var counters = LvsDrCluster.Ipvsadm(Lb1, "-Ln", "--stats", "-t", "198.18.0.100:7");

        first.Process.Terminate();
        Assert.True(first.Process.WaitForExit(TimeSpan.FromSeconds(30)), _cluster.Diagnostics());
        Assert.False(Lb1.HasAddress(LvsDrCluster.Vip));
        Assert.Equal(1, LvsDrCluster.Weight(Lb1, 7, _cluster.Rs2)); // stopping leaves the table alone

        var second = _cluster.StartDirector("lb1", _cluster.Config(150));
        WaitMaster(Lb1);
        var ipvs = Status(second)["ipvs"]!;
        Assert.True(ipvs["passes"]!.GetValue<long>() >= 1);
        Assert.Equal(0, ipvs["totalOperations"]!.GetValue<long>());

        // The same TCP connection, the same real server: the kernel kept its connection entry.
        Assert.Equal(server, LvsDrCluster.Echo(connection, "after"));
        var connectionsBefore = FirstCount(counters);
        Assert.True(FirstCount(LvsDrCluster.Ipvsadm(Lb1, "-Ln", "--stats", "-t", "198.18.0.100:7")) >= connectionsBefore,
            "the service's counters were reset: it was deleted and re-added");
    }

    [Fact]
    public void Pair_ConnectionsInFlightWhenTheVipMoves_SurviveHandoverPreemptionAndCrash()
    {
        var lb1 = _cluster.StartDirector("lb1", _cluster.Config(150, syncInterface: "eth0"));
        var lb2 = _cluster.StartDirector("lb2", _cluster.Config(100, syncInterface: "eth0"));
        WaitMaster(Lb1);
        foreach (var host in new[] { Lb1, Lb2 })
        {
            // Both roles on both nodes, whatever VRRP says: a role switch would throw away unsent announcements.
            Wait.Until(() => LvsDrCluster.Ipvsadm(host, "-Ln", "--daemon") is var d
                    && d.Contains("master sync daemon (mcast=eth0, syncid=7") && d.Contains("backup sync daemon (mcast=eth0, syncid=7"),
                Bound, host.Name + ": master and backup sync daemons", _cluster.Diagnostics);
            // Announced at the handshake's ACK, not at the first data (the kernel's default 3); an entry whose
            // real server is gone expires at its next packet instead of swallowing a reused client port's SYN.
            Assert.Equal("2\t50", Shell.Check("ip", ["netns", "exec", host.Namespace, "cat", "/proc/sys/net/ipv4/vs/sync_threshold"]).Trim());
            Assert.Equal("1", Shell.Check("ip", ["netns", "exec", host.Namespace, "cat", "/proc/sys/net/ipv4/vs/expire_nodest_conn"]).Trim());
        }
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 7, _cluster.Rs2) == 1, Bound, "echo programmed on lb1", _cluster.Diagnostics);
        Assert.Null(LvsDrCluster.Weight(Lb2, 80, _cluster.Rs1)); // no warm standby: the backup holds no services

        // Maintenance handover: a connection through lb1 keeps its real server through lb2; so does one whose
        // handshake went through lb1 and whose first data goes through lb2 (announced at its ACK).
        using (var connection = OpenEcho())
        using (var silent = OpenEcho())
        {
            var server = LvsDrCluster.Echo(connection, "before");
            var failover = lb1.Cli("failover");
            Assert.True(failover.ExitCode == 0, failover + _cluster.Diagnostics());
            WaitMaster(Lb2);
            Assert.Equal(server, LvsDrCluster.Echo(connection, "after the handover"));
            Assert.Contains(LvsDrCluster.Echo(silent, "first data after the handover"), new[] { "rs1", "rs2" });
        }
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 80, _cluster.Rs1) is null, Bound, "lb1's services removed after it left master", _cluster.Diagnostics);

        // Preemption: lb1 resumes and takes the VIP back from lb2 with a connection in flight through lb2.
        using (var connection = OpenEcho())
        {
            var server = LvsDrCluster.Echo(connection, "before");
            Assert.Equal(0, lb1.Cli("resume").ExitCode);
            Wait.Until(() => Lb1.HasAddress(LvsDrCluster.Vip) && !Lb2.HasAddress(LvsDrCluster.Vip), Bound, "lb1 to preempt", _cluster.Diagnostics);
            Assert.Equal(server, LvsDrCluster.Echo(connection, "after the preemption"));
        }

        // Crash: kill -9 of lb1's daemon right after a connection's first data. Its entry reaches lb2 at the kernel's
        // next 2-s flush, often after lb2 took over: lb2 must drop the early segments, not reset them.
        using (var connection = OpenEcho())
        {
            var server = LvsDrCluster.Echo(connection, "before");
            lb1.Process.Kill9();
            WaitMaster(Lb2);
            Assert.Equal(server, LvsDrCluster.Echo(connection, "after the crash"));
        }
        Assert.False(lb2.Process.HasExited);
    }

    [Fact]
    public void Failover_ConnectionsTheKernelHadNotAnnounced_HandedOverAndServedByTheSameRealServers()
    {
        // At sync threshold 40 the kernel announces a connection at its 40th packet only: these few-packet ones reach
        // lb2 only by the handover lb1 sends as it lets the VIP go. The grace is long, so without it they would stall.
        const string sync = ", syncThreshold: 40, takeoverGrace: 20s";
        var lb1 = _cluster.StartDirector("lb1", _cluster.Config(150, warmStandby: true, syncInterface: "eth0", syncExtra: sync));
        _cluster.StartDirector("lb2", _cluster.Config(100, warmStandby: true, syncInterface: "eth0", syncExtra: sync));
        WaitMaster(Lb1);
        Wait.Until(() => LvsDrCluster.Weight(Lb2, 7, _cluster.Rs2) == 1, Bound, "echo programmed on lb2 (warm standby)", _cluster.Diagnostics);
        Wait.Until(() => LvsDrCluster.Ipvsadm(Lb2, "-Ln", "--daemon").Contains("backup sync daemon (mcast=eth0, syncid=7"),
            Bound, "lb2's backup sync daemon", _cluster.Diagnostics);

        var connections = Enumerable.Range(0, 4).Select(_ => OpenEcho()).ToList();
        try
        {
            var servers = connections.Select(c => LvsDrCluster.Echo(c, "before")).ToList();
            var ports = connections.Select(c => $":{((System.Net.IPEndPoint)c.LocalEndPoint!).Port} ").ToList();

            var failover = lb1.Cli("failover");
            Assert.True(failover.ExitCode == 0, failover + _cluster.Diagnostics());
            Wait.Until(() => Lb2.HasAddress(LvsDrCluster.Vip) && !Lb1.HasAddress(LvsDrCluster.Vip), Bound, "lb2 to hold the VIP alone", _cluster.Diagnostics);

            // Each keeps its real server through lb2 (without the handover lb2 would drop its segments for the
            // 20 s grace, then reset it), lb2's table lists it, and lb1's log says what it handed over.
            for (var k = 0; k < connections.Count; k++)
            {
                Assert.Equal(servers[k], LvsDrCluster.Echo(connections[k], "after the handover"));
            }

            var table = LvsDrCluster.Ipvsadm(Lb2, "-Lnc");
            Assert.All(ports, port => Assert.Contains(port, table));
            Wait.Until(() => lb1.Process.Output.Contains("connections in flight over to the new master", StringComparison.Ordinal),
                Bound, "lb1 to log its handover", _cluster.Diagnostics);
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    /// <summary>A TCP connection from the client side (the router namespace) to the echo service on VIP:7.</summary>
    private Socket OpenEcho() => NetworkNamespace.Run(NetworkNamespace.PathOf(_cluster.Lan.Router), () =>
    {
        // Long enough for retransmissions to outlast the sync daemon's 2-s flush.
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000 };
        socket.Connect(LvsDrCluster.Vip, 7);
        return socket;
    });

    [Fact]
    public void Reload_NewServiceAndPriority_AppliedOnTheRunningMaster_UntouchedServiceKeepsItsCounters()
    {
        var lb1 = _cluster.StartDirector("lb1", _cluster.Config(150));
        WaitMaster(Lb1);
        Wait.Until(() => LvsDrCluster.Weight(Lb1, 80, _cluster.Rs1) == 2, Bound, "web programmed", _cluster.Diagnostics);
        Assert.Contains(_cluster.Get(), new[] { "rs1", "rs2" });
        // The kernel folds its per-CPU counters into the dumped stats every 2 s (the estimator): wait for our request.
        long webConnections = 0;
        Wait.Until(() => (webConnections = FirstCount(LvsDrCluster.Ipvsadm(Lb1, "-Ln", "--stats", "-t", "198.18.0.100:80"))) >= 1, Bound,
            "web's connection counter to count the request", _cluster.Diagnostics);
        var masterSince = Status(lb1)["instances"]![0]!["since"]!.GetValue<string>();

        // A bad file first: refused, and neither VRRP nor the kernel's table moves.
        var table = LvsDrCluster.Ipvsadm(Lb1, "-Ln");
        lb1.WriteConfig(_cluster.Config(140).Replace("scheduler: wlc", "scheduler: wlcx", StringComparison.Ordinal));
        var bad = lb1.Cli("reload");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("the running configuration is unchanged", bad.Stderr);
        Assert.Equal(table, LvsDrCluster.Ipvsadm(Lb1, "-Ln"));
        Assert.Equal(150, Status(lb1)["instances"]![0]!["priority"]!.GetValue<int>());

        // One reload: a new virtual server on the master's VIP and a new VRRP priority.
        var alt = $"virtualServers:\n  - name: alt\n    vip: {LvsDrCluster.Vip}\n    port: 8080\n    scheduler: rr\n"
            + $"    healthCheck: {LvsDrCluster.NoCheck}\n    realServers:\n      - {{ address: {_cluster.Rs1.Address}, weight: 3 }}\n";
        lb1.WriteConfig(_cluster.Config(140).Replace("virtualServers:\n", alt, StringComparison.Ordinal));
        var reload = lb1.Cli("reload");
        Assert.True(reload.ExitCode == 0, reload + _cluster.Diagnostics());
        Assert.Contains("VRRP instances changed in place: web", reload.Stdout);
        Assert.Contains("virtual servers added: alt", reload.Stdout);

        // Programmed by the running master (the reload returns once it is), without a VRRP transition.
        Assert.Matches(@"TCP\s+198\.18\.0\.100:8080 rr", LvsDrCluster.Ipvsadm(Lb1, "-Ln"));
        var instance = Status(lb1)["instances"]![0]!;
        Assert.Equal("master", instance["state"]!.GetValue<string>());
        Assert.Equal(140, instance["priority"]!.GetValue<int>());
        Assert.Equal(masterSince, instance["since"]!.GetValue<string>()); // no transition: master all along
        Assert.True(FirstCount(LvsDrCluster.Ipvsadm(Lb1, "-Ln", "--stats", "-t", "198.18.0.100:80")) >= webConnections,
            "web's counters were reset: the reload deleted and re-added an untouched service");
        Assert.Equal(2, LvsDrCluster.Weight(Lb1, 80, _cluster.Rs1));
    }

    private static long FirstCount(string stats)
    {
        var line = stats.Split('\n').First(l => l.TrimStart().StartsWith("TCP", StringComparison.Ordinal));
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture);
    }
}
