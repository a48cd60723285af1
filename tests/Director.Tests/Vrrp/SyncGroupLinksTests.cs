using System.Net;
using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>Two instances in one sync group on the running service: they fault, recover and take over as one.</summary>
public sealed class SyncGroupLinksTests
{
    private static readonly string Group =
        TestDirector.WebYaml[..TestDirector.WebYaml.IndexOf("virtualServers:", StringComparison.Ordinal)] + """
            - { name: api, interface: eth0, vrid: 52, priority: 150, advertInterval: 1s, virtualAddresses: [198.18.0.101/32], track: [{ tracker: check }] }
          trackers:
            - { name: check, type: script, command: check, interval: 1s }
          syncGroups:
            - { name: dual, instances: [web, api] }
        """;

    private static bool Both(TestDirector director, VrrpState state) =>
        director.Instance("web").Driver.State == state && director.Instance("api").Driver.State == state;

    private static async Task StartAsBothMastersAsync(TestDirector director)
    {
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        await TestDirector.WaitUntilAsync(() => Both(director, VrrpState.Master), "both masters");
        await director.SettleAsync();
    }

    [Fact]
    public async Task Start_BothTimersRunOut_BothBecomeMaster()
    {
        await using var director = new TestDirector(Group);
        await director.StartAsync();

        await director.AdvanceAsync(TestDirector.MasterDown);

        await TestDirector.WaitUntilAsync(() => Both(director, VrrpState.Master), "both masters");
        Assert.Equal("dual", director.Vrrp.SyncGroupOf("web"));
    }

    [Fact]
    public async Task ReloadThatOnlyAddsTheGroup_Applied_ThenOneMemberFaultTakesTheOtherAlong()
    {
        var ungrouped = Group[..Group.IndexOf("  syncGroups:", StringComparison.Ordinal)];
        await using var director = new TestDirector(ungrouped);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        await TestDirector.WaitUntilAsync(() => Both(director, VrrpState.Master), "both masters");
        Assert.Null(director.Vrrp.SyncGroupOf("web"));

        director.WriteConfig(Group);
        var answer = await director.Reloader.ReloadAsync("test");

        Assert.Equal(new ControlResponse(ExitCodes.Ok, $"{director.Running.Path}: applied: sections changed: vrrp.syncGroups"), answer);
        Assert.Equal("dual", director.Vrrp.SyncGroupOf("web"));
        director.Scripts.ExitWith("check", 1);
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        await TestDirector.WaitUntilAsync(() => Both(director, VrrpState.Fault), "both in Fault: web follows api");
    }

    [Fact]
    public async Task OneMemberFaults_TheOtherFollowsIntoFault_BothBackupWhenItRecovers()
    {
        await using var director = new TestDirector(Group);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        await TestDirector.WaitUntilAsync(() => Both(director, VrrpState.Master), "both masters");

        director.Scripts.ExitWith("check", 1);
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        await TestDirector.WaitUntilAsync(() => Both(director, VrrpState.Fault), "both in Fault");
        await director.SettleAsync();
        Assert.Equal(VrrpTransitionCause.SyncGroup, director.Instance("web").Runtime.LastCause);
        Assert.DoesNotContain("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));

        director.Scripts.ExitWith("check", 0);
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        await TestDirector.WaitUntilAsync(() => Both(director, VrrpState.Backup), "both Backup");
    }

    [Fact]
    public async Task OneMemberHearsAHigherMaster_TheOtherDoesNotTakeOverAlone()
    {
        await using var director = new TestDirector(Group);
        await director.StartAsync();
        var socket = director.Kernel.Socket("eth0");
        var peer = new VrrpPacket(VrrpVersion.V3, 51, 200, [IPAddress.Parse("198.18.0.100")], TimeSpan.FromSeconds(1));

        for (var second = 0; second < 8; second++)
        {
            socket.Deliver(FakeVrrpSocket.Advert(peer, IPAddress.Parse("198.18.0.2")));
            await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(VrrpState.Backup, director.Instance("web").Driver.State);
        Assert.Equal(VrrpState.Backup, director.Instance("api").Driver.State);
        Assert.True(director.Instance("api").Driver.WantsMaster);
        Assert.DoesNotContain("198.18.0.101/32", director.Kernel.AddressesOf("eth0"));
    }

    [Fact]
    public async Task OneMemberHearsAHigherMaster_TheOtherKeepsItsVipAndServicesUntilItsOwnNewMasterIsHeard()
    {
        await using var director = new TestDirector(Group + "\n" + TestDirector.WebYaml[TestDirector.WebYaml.IndexOf("virtualServers:", StringComparison.Ordinal)..]);
        await StartAsBothMastersAsync(director);
        var socket = director.Kernel.Socket("eth0");
        var peer = IPAddress.Parse("198.18.0.2");
        Assert.Contains(director.Kernel.Effects, e => e.StartsWith("ipvs add service 198.18.0.100:80/tcp", StringComparison.Ordinal));
        var before = director.Kernel.Effects.Count;

        // The peer preempts; its api is heard first. web follows api to Backup by the group, but the peer's web takes
        // its VIP only a moment later: until it is heard, web keeps serving (the lab's `resume` lost a SYN there).
        socket.Deliver(FakeVrrpSocket.Advert(new VrrpPacket(VrrpVersion.V3, 52, 200, [IPAddress.Parse("198.18.0.101")], TimeSpan.FromSeconds(1)), peer));
        await TestDirector.WaitUntilAsync(() => Both(director, VrrpState.Backup), "both Backup");
        await director.SettleAsync();

        Assert.DoesNotContain("198.18.0.101/32", director.Kernel.AddressesOf("eth0"));
        Assert.Contains("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
        Assert.DoesNotContain(director.Kernel.Effects.Skip(before), e => e.StartsWith("ipvs delete", StringComparison.Ordinal));

        socket.Deliver(FakeVrrpSocket.Advert(new VrrpPacket(VrrpVersion.V3, 51, 200, [IPAddress.Parse("198.18.0.100")], TimeSpan.FromSeconds(1)), peer));
        await TestDirector.WaitUntilAsync(() => director.Kernel.Effects.Any(e => e.StartsWith("ipvs delete service 198.18.0.100:80/tcp", StringComparison.Ordinal)),
            "web's services deactivated once its new master is heard");
        Assert.DoesNotContain("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
    }

    [Fact]
    public async Task MemberFaultsWhileTheOtherWaitsToBecomeMaster_NeitherTakesOver_BothMasterOnceAllCan()
    {
        await using var director = new TestDirector(Group);
        await director.StartAsync();
        var socket = director.Kernel.Socket("eth0");
        var peer = new VrrpPacket(VrrpVersion.V3, 51, 200, [IPAddress.Parse("198.18.0.100")], TimeSpan.FromSeconds(1));
        var apiStates = new System.Collections.Concurrent.ConcurrentQueue<VrrpState>();
        director.Instance("api").Runtime.Transitioned += (_, change) => apiStates.Enqueue(change.To);
        for (var second = 0; second < 5; second++)
        {
            socket.Deliver(FakeVrrpSocket.Advert(peer, IPAddress.Parse("198.18.0.2")));
            await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        Assert.True(director.Instance("api").Driver.WantsMaster); // api's timer ran out; web still hears a master

        // api's own tracker fails while it waits: both go to Fault, and api never took its VIP.
        director.Scripts.ExitWith("check", 1);
        socket.Deliver(FakeVrrpSocket.Advert(peer, IPAddress.Parse("198.18.0.2")));
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        await TestDirector.WaitUntilAsync(() => Both(director, VrrpState.Fault), "both in Fault");
        Assert.DoesNotContain("198.18.0.101/32", director.Kernel.AddressesOf("eth0"));
        Assert.DoesNotContain(VrrpState.Master, apiStates);

        // The other master is gone and the tracker recovers: both can become master, and both do.
        director.Scripts.ExitWith("check", 0);
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));
        await TestDirector.WaitUntilAsync(() => Both(director, VrrpState.Backup), "both Backup");
        await director.AdvanceAsync(TestDirector.MasterDown);
        await TestDirector.WaitUntilAsync(() => Both(director, VrrpState.Master), "both masters");
        await director.SettleAsync();
        Assert.Contains("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
        Assert.Contains("198.18.0.101/32", director.Kernel.AddressesOf("eth0"));
    }

    [Fact]
    public async Task FailoverOfOneMember_HandsTheGroupOverMakeBeforeBreak_ResumeOfItResumesBoth()
    {
        await using var director = new TestDirector(Group);
        await StartAsBothMastersAsync(director);

        var answer = director.Control.HandleAsync(new ControlRequest { Verb = "failover", Instance = "web" }, CancellationToken.None);

        // api is handed over as web is: priority 0 (the peer takes over at Skew_Time) and its VIP kept until the peer is heard.
        await TestDirector.WaitUntilAsync(() => director.Kernel.Effects.Contains("advert eth0 vrid 52 priority 0 to 224.0.0.18"), "api's priority 0");
        Assert.Contains("198.18.0.101/32", director.Kernel.AddressesOf("eth0"));
        var socket = director.Kernel.Socket("eth0");
        foreach (var (vrid, vip) in new[] { ((byte)51, "198.18.0.100"), ((byte)52, "198.18.0.101") })
        {
            socket.Deliver(FakeVrrpSocket.Advert(new VrrpPacket(VrrpVersion.V3, vrid, 100, [IPAddress.Parse(vip)], TimeSpan.FromSeconds(1)), IPAddress.Parse("198.18.0.2")));
        }

        for (var i = 0; i < 1000 && !answer.IsCompleted; i++)
        {
            director.Time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
        }

        Assert.Equal(new ControlResponse(ExitCodes.Ok, string.Join(Environment.NewLine,
            "web: handed over to 198.18.0.2; held as backup until `hadirector resume`",
            "api: handed over to 198.18.0.2; held as backup until `hadirector resume`")), await answer.WaitAsync(TimeSpan.FromSeconds(10)));
        await director.SettleAsync();
        Assert.DoesNotContain("198.18.0.101/32", director.Kernel.AddressesOf("eth0"));
        Assert.True(director.Instance("api").Driver.GetStatistics().IsHeld);

        var resume = await director.Control.HandleAsync(new ControlRequest { Verb = "resume", Instance = "web" }, CancellationToken.None);

        Assert.Equal(new ControlResponse(ExitCodes.Ok, string.Join(Environment.NewLine,
            "web: resumed (competes for master again)", "api: resumed (competes for master again)")), resume);
    }
}
