using HaDirector.Director.Tests.Hosting;
using HaDirector.Vrrp.Election;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class IpvsTableServiceTests
{
    private const string Vs = "net/ipv4/vs/";

    private static readonly string WithSync = TestDirector.WebYaml + """

        ipvs:
          syncDaemon: { interface: eth0, syncId: 51, takeoverGrace: 3s }
        """;

    private static void LoadedIpvs(Kernel.FakeKernel kernel)
    {
        kernel.SetSysctl(Vs + "expire_nodest_conn", "0");
        kernel.SetSysctl(Vs + "sync_threshold", "3\t50");
    }

    private static IEnumerable<string> Ipvs(IEnumerable<string> effects) => effects.Where(e => e.StartsWith("ipvs ", StringComparison.Ordinal));

    [Fact]
    public async Task ActivateAsync_Backup_CompletesOnceTheInstanceServicesAreInTheKernel()
    {
        await using var director = new TestDirector();
        await director.StartAsync();

        await director.Ipvs.ActivateAsync(director.Running.Current.Vrrp.Instances[0]);

        Assert.Equal(
        [
            "ipvs add service 198.18.0.100:80/tcp",
            "ipvs add real server 198.18.1.1:80 to service 198.18.0.100:80/tcp",
            "ipvs add real server 198.18.1.2:80 to service 198.18.0.100:80/tcp",
        ], Ipvs(director.Kernel.Effects));
    }

    [Fact]
    public async Task ActivateAsync_WarmStandby_CompletesAtOnceTheTableBeingThereAlready()
    {
        await using var director = new TestDirector(TestDirector.WebYaml + "\nipvs: { warmStandby: true }\n");

        var activation = director.Ipvs.ActivateAsync(director.Running.Current.Vrrp.Instances[0]);

        Assert.True(activation.IsCompleted);
    }

    [Fact]
    public async Task StartAsync_SyncDaemonConfigured_BothRolesStartedAndKernelParametersSet()
    {
        await using var director = new TestDirector(WithSync, LoadedIpvs);

        await director.StartAsync();

        Assert.Contains("ipvs start sync daemon Backup on eth0 id 51", director.Kernel.Effects);
        Assert.Contains("ipvs start sync daemon Master on eth0 id 51", director.Kernel.Effects);
        Assert.Equal("1", director.Kernel.SysctlOf(Vs + "expire_nodest_conn"));
        Assert.Equal("2 50", director.Kernel.SysctlOf(Vs + "sync_threshold"));
    }

    [Fact]
    public async Task StartAsync_SyncDaemonAndNoWarmStandbyKey_TheBackupProgramsItsServices()
    {
        // Warm standby by default with connection sync: the backup's entries carry a connection that comes back to it.
        await using var director = new TestDirector(WithSync, LoadedIpvs);

        await director.StartAsync();

        // The reconciler's first pass runs on its own loop: waited for, bounded.
        await TestDirector.WaitUntilAsync(() => director.Kernel.Effects.Contains("ipvs add service 198.18.0.100:80/tcp"), "the backup's services");
        Assert.Equal(VrrpState.Backup, director.Instance().Driver.State);
    }

    [Fact]
    public async Task ReconfigureAsync_KernelParametersAlreadySet_NotWrittenAgain()
    {
        await using var director = new TestDirector(WithSync, LoadedIpvs);
        await director.StartAsync();
        var before = director.Kernel.Effects.Count;

        await director.Ipvs.ReconfigureAsync(TestDirector.Load(WithSync.Replace("weight: 2", "weight: 3")));

        Assert.DoesNotContain(director.Kernel.Effects.Skip(before), e => e.StartsWith("sysctl", StringComparison.Ordinal));
        Assert.DoesNotContain(director.Kernel.Effects.Skip(before), e => e.Contains("sync daemon", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReconfigureAsync_SyncIdChanged_DaemonsRestartedWithTheNewId()
    {
        await using var director = new TestDirector(WithSync, LoadedIpvs);
        await director.StartAsync();
        var before = director.Kernel.Effects.Count;

        await director.Ipvs.ReconfigureAsync(TestDirector.Load(WithSync.Replace("syncId: 51", "syncId: 52")));

        // Only the daemons: the backup's warm-standby table (the default with a sync daemon) may be programmed meanwhile.
        Assert.Equal(
        [
            "ipvs stop sync daemon Master", "ipvs stop sync daemon Backup",
            "ipvs start sync daemon Backup on eth0 id 52", "ipvs start sync daemon Master on eth0 id 52",
        ], Ipvs(director.Kernel.Effects.Skip(before)).Where(e => e.Contains("sync daemon", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BecomingMaster_TakeoverGrace_ListenersOpenBeforeTheVipAndCloseAfterTheGrace()
    {
        await using var director = new TestDirector(WithSync, LoadedIpvs);
        await director.StartAsync();

        await director.AdvanceAsync(TestDirector.MasterDown);

        var effects = director.Kernel.Effects.ToList();
        Assert.True(effects.IndexOf("listen 198.18.0.100:80") < effects.IndexOf("add 198.18.0.100/32 eth0"), string.Join('\n', effects));
        await director.AdvanceAsync(TimeSpan.FromSeconds(2.9));
        Assert.Single(director.Kernel.OpenListeners);
        await director.AdvanceAsync(TimeSpan.FromSeconds(0.1));
        Assert.Empty(director.Kernel.OpenListeners);
        Assert.Contains("unlisten 198.18.0.100:80", director.Kernel.Effects);
    }

    [Fact]
    public async Task Deactivate_LeftMasterDuringTheGrace_ListenersClosedAtOnce()
    {
        await using var director = new TestDirector(WithSync, LoadedIpvs);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);

        director.Ipvs.Deactivate(director.Running.Current.Vrrp.Instances[0]);

        Assert.Empty(director.Kernel.OpenListeners);
    }

    [Fact]
    public async Task Deactivate_WithSyncDaemon_HandsTheHalfOpenConnectionOverOnTheSyncInterface()
    {
        await using var director = new TestDirector(WithSync, LoadedIpvs);
        director.Kernel.IpvsConnections.Add(new(HaDirector.Linux.Netlink.Ipvs.IpvsProtocol.Tcp,
            System.Net.IPEndPoint.Parse("198.18.0.7:40000"), System.Net.IPEndPoint.Parse("198.18.0.100:80"),
            System.Net.IPEndPoint.Parse("198.18.1.1:80"), (ushort)HaDirector.Linux.IpvsSync.IpvsTcpState.SynReceived, true, 59));
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);

        director.Ipvs.Deactivate(director.Running.Current.Vrrp.Instances[0]);

        Assert.True(SpinWait.SpinUntil(() => director.Kernel.Effects.Contains("sync 1 datagrams on eth0"), TimeSpan.FromSeconds(10)),
            string.Join("\n", director.Kernel.Effects));
    }

    [Fact]
    public async Task StartAsync_NoVirtualServers_TheKernelIsNeverAsked()
    {
        await using var director = new TestDirector(TestDirector.WebYaml[..TestDirector.WebYaml.IndexOf("virtualServers:", StringComparison.Ordinal)]);

        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);

        Assert.Empty(Ipvs(director.Kernel.Effects));
        Assert.Equal(0, director.Kernel.Ipvs.Dumps);
        Assert.False(director.Ipvs.InUse);
    }
}
