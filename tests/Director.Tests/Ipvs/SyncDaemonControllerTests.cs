using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Netlink.Ipvs;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class SyncDaemonControllerTests
{
    private readonly FakeIpvsKernel _kernel = new();

    private SyncDaemonController Create(SyncDaemonConfig? config) =>
        new(_kernel, config, NullLogger<SyncDaemonController>.Instance);

    [Fact]
    public void BecomeMaster_BackupRunning_StopsBackupThenStartsMaster()
    {
        var controller = Create(new SyncDaemonConfig("eth0", 51));
        controller.BecomeBackup();

        controller.BecomeMaster();

        var daemon = Assert.Single(_kernel.GetDaemons());
        Assert.Equal(new IpvsSyncDaemon { State = IpvsSyncState.Master, InterfaceName = "eth0", SyncId = 51 }, daemon);
        Assert.Equal(["stop Master", "start Backup", "stop Backup", "start Master"], _kernel.DaemonCalls);
    }

    [Fact]
    public void BecomeMaster_AlreadyMaster_NoRestart()
    {
        var controller = Create(new SyncDaemonConfig("eth0", 51));
        controller.BecomeMaster();

        controller.BecomeMaster();

        Assert.Equal(1, _kernel.DaemonCalls.Count(c => c == "start Master"));
    }

    [Fact]
    public void BecomeBackup_MasterWithOtherSyncIdRunningAsBackup_Replaced()
    {
        _kernel.StartDaemon(new IpvsSyncDaemon { State = IpvsSyncState.Backup, InterfaceName = "eth0", SyncId = 9 });

        Create(new SyncDaemonConfig("eth0", 51)).BecomeBackup();

        Assert.Equal(51u, Assert.Single(_kernel.GetDaemons()).SyncId);
    }

    [Fact]
    public void BecomeMaster_NotConfigured_NoKernelCalls()
    {
        var controller = Create(null);

        controller.BecomeMaster();

        Assert.False(controller.Enabled);
        Assert.Empty(_kernel.DaemonCalls);
    }

    [Fact]
    public void StopAll_BothRoles_StopsBothAndIgnoresMissing()
    {
        var controller = Create(new SyncDaemonConfig("eth0", 51));
        controller.BecomeMaster();

        controller.StopAll();

        Assert.Empty(_kernel.GetDaemons());
    }
}
