using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class SyncDaemonControllerTests
{
    private readonly FakeIpvsKernel _kernel = new();

    private SyncDaemonController Create(SyncDaemonConfig? config) =>
        new(_kernel, config, NullLogger<SyncDaemonController>.Instance);

    private static IpvsSyncDaemon Daemon(IpvsSyncState role, uint syncId = 51) =>
        new() { State = role, InterfaceName = "eth0", SyncId = syncId };

    [Fact]
    public void EnsureRunning_NothingRunning_StartsBothRoles()
    {
        Create(new SyncDaemonConfig("eth0", 51)).EnsureRunning();

        Assert.Equal([Daemon(IpvsSyncState.Backup), Daemon(IpvsSyncState.Master)], _kernel.GetDaemons().OrderByDescending(d => d.State));
        Assert.Equal(["start Backup", "start Master"], _kernel.DaemonCalls);
    }

    [Fact]
    public void EnsureRunning_Again_NoRestart()
    {
        var controller = Create(new SyncDaemonConfig("eth0", 51));
        controller.EnsureRunning();

        controller.EnsureRunning();

        Assert.Equal(2, _kernel.DaemonCalls.Count);
    }

    [Fact]
    public void EnsureRunning_BackupWithOtherSyncIdRunning_ReplacedAndMasterStarted()
    {
        _kernel.StartDaemon(Daemon(IpvsSyncState.Backup, syncId: 9));
        _kernel.DaemonCalls.Clear();

        Create(new SyncDaemonConfig("eth0", 51)).EnsureRunning();

        Assert.All(_kernel.GetDaemons(), d => Assert.Equal(51u, d.SyncId));
        Assert.Equal(["stop Backup", "start Backup", "start Master"], _kernel.DaemonCalls);
    }

    [Fact]
    public void EnsureRunning_NotConfigured_NoKernelCalls()
    {
        var controller = Create(null);

        controller.EnsureRunning();

        Assert.False(controller.Enabled);
        Assert.Empty(_kernel.DaemonCalls);
    }

    [Fact]
    public void StopAll_BothRoles_StopsBothAndIgnoresMissing()
    {
        var controller = Create(new SyncDaemonConfig("eth0", 51));
        controller.EnsureRunning();
        _kernel.StopDaemon(IpvsSyncState.Backup);

        controller.StopAll();

        Assert.Empty(_kernel.GetDaemons());
    }
}
