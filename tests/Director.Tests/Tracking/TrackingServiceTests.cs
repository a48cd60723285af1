using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Tracking;

/// <summary>Trackers reach the running election: priority in the next advert, Fault and back, shared trackers run once.</summary>
public sealed class TrackingServiceTests
{
    private const string Garp = "      garp: { repeat: 2, interval: 100ms, refresh: 0s }\n";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary><see cref="TestDirector.WebYaml"/> with <paramref name="track"/> on web and <paramref name="trackers"/> defined.</summary>
    private static string Yaml(string track, string trackers) =>
        TestDirector.WebYaml.Replace(Garp, Garp + $"      track: {track}\n", StringComparison.Ordinal)
            .Replace("virtualServers:", $"  trackers:\n{trackers}virtualServers:", StringComparison.Ordinal);

    private const string CheckScript = "    - { name: check, type: script, command: check, interval: 1s }\n";

    private static async Task<TestDirector> MasterAsync(string yaml, Action<HaDirector.Director.Tests.Kernel.FakeKernel>? host = null)
    {
        var director = new TestDirector(yaml, host);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        return director;
    }

    private static byte LastAdvertPriority(TestDirector director) => director.Kernel.Socket("eth0").Sent[^1].Packet.Priority;

    [Fact]
    public async Task ScriptWithNegativeWeight_FailsOnMaster_NextAdvertCarriesLowerPriority()
    {
        await using var director = await MasterAsync(Yaml("[{ tracker: check, weight: -60 }]", CheckScript));
        Assert.Equal(150, LastAdvertPriority(director));

        director.Scripts.ExitWith("check", 1);
        await director.AdvanceAsync(Interval);
        await TestDirector.WaitUntilAsync(() => LastAdvertPriority(director) == 90, "an advert with priority 90");

        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        Assert.Equal(90, director.Vrrp.TrackingOf("web")!.Priority);

        director.Scripts.ExitWith("check", 0);
        await director.AdvanceAsync(Interval);
        await TestDirector.WaitUntilAsync(() => LastAdvertPriority(director) == 150, "an advert with priority 150 again");
    }

    [Fact]
    public async Task ScriptWithoutWeight_FailsOnMaster_FaultReleasesVipThenBackupWhenUp()
    {
        await using var director = await MasterAsync(Yaml("[{ tracker: check }]", CheckScript));

        director.Scripts.ExitWith("check", 1);
        await director.AdvanceAsync(Interval);
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == VrrpState.Fault, "Fault");
        await director.SettleAsync();

        Assert.DoesNotContain("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
        Assert.Equal(VrrpPacket.PriorityStop, LastAdvertPriority(director));
        Assert.Equal(["check"], director.Vrrp.TrackingOf("web")!.FaultedBy);
        var sent = director.Kernel.Socket("eth0").Sent.Count;
        await director.AdvanceAsync(TimeSpan.FromSeconds(0.5));
        Assert.Equal(sent, director.Kernel.Socket("eth0").Sent.Count); // no adverts in Fault

        director.Scripts.ExitWith("check", 0);
        await director.AdvanceAsync(Interval);
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == VrrpState.Backup, "Backup");
        Assert.Equal(VrrpTransitionCause.TrackersRecovered, director.Instance().Runtime.LastCause);
    }

    [Fact]
    public async Task InterfaceTracker_SecondLinkDown_MasterFaults_LinkUpBackup()
    {
        await using var director = await MasterAsync(
            Yaml("[{ tracker: uplink }]", "    - { name: uplink, type: interface, interface: eth1 }\n"),
            k => k.AddInterface("eth1", "198.18.2.1/24"));
        await TestDirector.WaitUntilAsync(() => director.Kernel.Watches == 2, "both link watches");

        director.Kernel.SetLink("eth1", up: false);
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == VrrpState.Fault, "Fault");
        await director.SettleAsync();
        Assert.DoesNotContain("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));

        director.Kernel.SetLink("eth1", up: true);
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == VrrpState.Backup, "Backup");
    }

    [Fact]
    public async Task SharedScript_TwoInstances_RunsOnce()
    {
        var yaml = Yaml("[{ tracker: check, weight: -10 }]", CheckScript).Replace(
            "  trackers:",
            "    - { name: api, interface: eth0, vrid: 52, priority: 100, virtualAddresses: [198.18.0.101/32], track: [{ tracker: check }] }\n  trackers:",
            StringComparison.Ordinal);
        await using var director = new TestDirector(yaml);

        await director.StartAsync();

        Assert.Equal(1, director.Scripts.RunsOf("check"));
    }

    [Fact]
    public async Task FileTracker_ValueTimesWeight_SetsPriorityAndFollowsTheFile()
    {
        var file = Path.Combine(Path.GetTempPath(), "hadirector-tests", $"maint-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, "5\n");
        try
        {
            await using var director = new TestDirector(Yaml("[{ tracker: maint, weight: -10 }]", $"    - {{ name: maint, type: file, path: {file} }}\n"));
            await director.StartAsync();

            Assert.Equal(100, director.Instance().Driver.Options.Priority);

            await File.WriteAllTextAsync(file, "0");
            await director.AdvanceAsync(Interval);
            await TestDirector.WaitUntilAsync(() => director.Instance().Driver.Options.Priority == 150, "priority 150");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ProcessTracker_ProcessAbsentAtStart_FaultUntilItRuns()
    {
        await using var director = new TestDirector(Yaml("[{ tracker: lb }]", "    - { name: lb, type: process, process: haproxy }\n"));
        await director.StartAsync();
        Assert.Equal(VrrpState.Fault, director.Instance().Driver.State);

        var pid = Directory.CreateDirectory(Path.Combine(director.ProcRoot, "4242")).FullName;
        await File.WriteAllTextAsync(Path.Combine(pid, "comm"), "haproxy\n");
        await File.WriteAllTextAsync(Path.Combine(pid, "cmdline"), "/usr/sbin/haproxy\0-f\0/etc/haproxy.cfg\0");
        await director.AdvanceAsync(Interval);

        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == VrrpState.Backup, "Backup");
    }

    [Fact]
    public async Task VirtualServerTracker_TooFewRealServersUp_PriorityDropsUntilEnoughAre()
    {
        await using var director = new TestDirector(Yaml(
            "[{ tracker: pool, weight: -100 }]", "    - { name: pool, type: virtualServer, virtualServer: web, minUp: 2 }\n"));
        director.RealServersUp["web"] = 1;
        await director.StartAsync();
        await director.AdvanceAsync(Interval);
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.Options.Priority == 50, "priority 50");

        director.RealServersUp["web"] = 2;
        await director.AdvanceAsync(Interval);
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.Options.Priority == 150, "priority 150");
    }

    [Fact]
    public async Task Reload_WeightChangedTrackerUnchanged_TrackerKeepsRunningAndNewWeightApplies()
    {
        await using var director = await MasterAsync(Yaml("[{ tracker: check, weight: -60 }]", CheckScript));
        director.Scripts.ExitWith("check", 1);
        await director.AdvanceAsync(Interval);
        await TestDirector.WaitUntilAsync(() => LastAdvertPriority(director) == 90, "priority 90");
        var runs = director.Scripts.RunsOf("check");

        director.WriteConfig(Yaml("[{ tracker: check, weight: -20 }]", CheckScript));
        var response = await director.Reloader.ReloadAsync("test");

        Assert.Equal(0, response.ExitCode);
        await TestDirector.WaitUntilAsync(() => LastAdvertPriority(director) == 130, "priority 130");
        Assert.Equal(runs, director.Scripts.RunsOf("check")); // not restarted: no extra run
        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
    }

    [Fact]
    public async Task Reload_NewFaultTracker_FailingPutsTheMasterInFault()
    {
        await using var director = await MasterAsync(TestDirector.WebYaml);
        director.Scripts.ExitWith("check", 1);

        director.WriteConfig(Yaml("[{ tracker: check }]", CheckScript));
        var response = await director.Reloader.ReloadAsync("test");

        Assert.Equal(0, response.ExitCode);
        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == VrrpState.Fault, "Fault");
    }

    [Fact]
    public async Task Reload_OneInstancesTrackerChanged_OtherInstanceUndisturbed()
    {
        // web tracks 'check', api tracks 'other'; the reload changes 'check' (its command) and web's weight only.
        static string TwoInstances(string checkCommand, int weight) =>
            Yaml($"[{{ tracker: check, weight: {weight} }}]",
                    $"    - {{ name: check, type: script, command: {checkCommand}, interval: 1s }}\n"
                    + "    - { name: other, type: script, command: other, interval: 1s }\n")
                .Replace("    - name: web\n",
                    "    - { name: api, interface: eth0, vrid: 52, priority: 150, version: 3, advertInterval: 1s, "
                    + "virtualAddresses: [198.18.0.101/32], track: [{ tracker: other, weight: -10 }] }\n    - name: web\n",
                    StringComparison.Ordinal);
        await using var director = new TestDirector(TwoInstances("check", -60));
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        var api = director.Instance("api");
        Assert.Equal(VrrpState.Master, api.Driver.State);
        var socket = director.Kernel.Socket("eth0");
        int ApiAdverts() => socket.Sent.Count(d => d.Packet.VirtualRouterId == 52);
        var apiAdverts = ApiAdverts();
        var otherRuns = director.Scripts.RunsOf("other");
        director.Scripts.ExitWith("check2", 1);

        director.WriteConfig(TwoInstances("check2", -50));
        var response = await director.Reloader.ReloadAsync("test");

        Assert.Equal(0, response.ExitCode);
        await TestDirector.WaitUntilAsync(() => socket.Sent.Any(d => d.Packet.VirtualRouterId == 51 && d.Packet.Priority == 100), "web at 150 - 50");
        await director.SettleAsync();
        Assert.Same(api, director.Instance("api"));
        Assert.Equal(VrrpState.Master, api.Driver.State);
        Assert.Equal(150, api.Driver.Options.Priority);
        Assert.Equal(apiAdverts, ApiAdverts());                      // no reconfiguration: no advert out of turn
        Assert.Equal(otherRuns, director.Scripts.RunsOf("other"));  // its tracker kept running, not restarted
    }

    [Fact]
    public async Task Reload_OnlyATrackersCommandChanged_AppliedAndTheNewCommandDecides()
    {
        await using var director = await MasterAsync(Yaml("[{ tracker: check, weight: -60 }]", CheckScript));
        director.Scripts.ExitWith("check2", 1);

        director.WriteConfig(Yaml("[{ tracker: check, weight: -60 }]", CheckScript.Replace("command: check", "command: check2", StringComparison.Ordinal)));
        var response = await director.Reloader.ReloadAsync("test");

        Assert.Equal(new ControlResponse(ExitCodes.Ok, $"{director.Running.Path}: applied: sections changed: vrrp.trackers"), response);
        await director.AdvanceAsync(Interval);
        await TestDirector.WaitUntilAsync(() => LastAdvertPriority(director) == 90, "priority 150 - 60 from check2's failure");
        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
    }

    [Fact]
    public async Task StopThenDispose_AsTheHostDoes_NoError()
    {
        var director = new TestDirector(Yaml("[{ tracker: check }]", CheckScript), trackTable: true);
        await director.StartAsync();
        await director.DisposeAsync();

        await director.Tracking.DisposeAsync(); // the container disposes the stopped service
    }
}
