using HaDirector.Director.Tests.Hosting;
using HaDirector.Vrrp.Election;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>Notify hooks: keepalived's arguments, in order per instance, off the takeover path, failures counted.</summary>
public sealed class NotifyHooksTests
{
    private const string Garp = "      garp: { repeat: 2, interval: 100ms, refresh: 0s }\n";

    private static readonly string Notified = TestDirector.WebYaml.Replace(
        Garp, Garp + "      notify: { command: /hook, master: /on-master, stop: /on-stop }\n", StringComparison.Ordinal);

    [Fact]
    public async Task Transitions_HooksRunInOrderWithKeepalivedArguments()
    {
        await using var director = new TestDirector(Notified);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        await director.StopAsync();
        await director.Vrrp.NotifyDrained;

        Assert.Equal(
            [
                "/hook INSTANCE web BACKUP 150",
                "/hook INSTANCE web MASTER 150",
                "/on-master",
                "/hook INSTANCE web STOP 150",
                "/on-stop",
            ],
            director.Scripts.Runs);
    }

    [Fact]
    public async Task HookStillRunning_TakeoverNotDelayed_HooksFollowInOrder()
    {
        await using var director = new TestDirector(Notified);
        var release = new TaskCompletionSource();
        director.Scripts.Hold = release.Task;
        await director.StartAsync();

        await director.AdvanceAsync(TestDirector.MasterDown);

        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        Assert.Contains("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
        await TestDirector.WaitUntilAsync(() => director.Scripts.Runs.Count > 0, "the first hook");
        Assert.Equal(["/hook INSTANCE web BACKUP 150"], director.Scripts.Runs); // the second waits for the first
        release.SetResult();
        await director.Vrrp.NotifyDrained.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["/hook INSTANCE web BACKUP 150", "/hook INSTANCE web MASTER 150", "/on-master"], director.Scripts.Runs);
    }

    [Fact]
    public async Task HookFails_CountedInMetrics()
    {
        await using var director = new TestDirector(Notified);
        director.Scripts.ExitWith("/hook", 1);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        await director.Vrrp.NotifyDrained.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, director.TrackingMetrics.NotifyRuns.WithLabels("web").Value);
        Assert.Equal(2, director.TrackingMetrics.NotifyFailures.WithLabels("web").Value);
    }

    [Fact]
    public async Task SyncGroupNotify_RunsOnceWhenAllMembersReachedTheState()
    {
        var yaml = TestDirector.WebYaml[..TestDirector.WebYaml.IndexOf("virtualServers:", StringComparison.Ordinal)] + """
                - { name: api, interface: eth0, vrid: 52, priority: 150, advertInterval: 1s, virtualAddresses: [198.18.0.101/32] }
              syncGroups:
                - { name: dual, instances: [web, api], notify: { command: /group-hook } }
            """;
        await using var director = new TestDirector(yaml);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        await TestDirector.WaitUntilAsync(() => director.Instance("api").Driver.State == VrrpState.Master
            && director.Instance("web").Driver.State == VrrpState.Master, "both masters");
        await director.Vrrp.NotifyDrained.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["/group-hook GROUP dual BACKUP", "/group-hook GROUP dual MASTER"], director.Scripts.Runs);
    }
}
