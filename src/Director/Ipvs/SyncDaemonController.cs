using HaDirector.Director.Configuration;
using HaDirector.Netlink.Interop;
using HaDirector.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// Runs the kernel's connection-sync daemon in the role VRRP gives this node (<c>ipvs.syncDaemon</c>), so
/// the backup already knows the master's connections when it takes over. The other role is stopped
/// first: one node must not send and receive the same sync id at once.
/// </summary>
public sealed partial class SyncDaemonController(IIpvsKernel kernel, SyncDaemonConfig? config, ILogger<SyncDaemonController> logger)
{
    public bool Enabled => config is not null;

    public void BecomeMaster() => Switch(IpvsSyncState.Master, IpvsSyncState.Backup);

    public void BecomeBackup() => Switch(IpvsSyncState.Backup, IpvsSyncState.Master);

    /// <summary>Stops both roles (shutdown or the feature turned off by a reload).</summary>
    public void StopAll()
    {
        Stop(IpvsSyncState.Master);
        Stop(IpvsSyncState.Backup);
    }

    private void Switch(IpvsSyncState role, IpvsSyncState other)
    {
        if (config is null)
        {
            return;
        }

        Stop(other);
        var wanted = new IpvsSyncDaemon { State = role, InterfaceName = config.Interface, SyncId = (uint)config.SyncId };
        var running = kernel.GetDaemons().FirstOrDefault(d => d.State == role);
        if (running is not null)
        {
            if (running.InterfaceName == wanted.InterfaceName && running.SyncId == wanted.SyncId)
            {
                return;
            }

            // A daemon of this role with other settings (an older config, or started by hand) is replaced.
            Stop(role);
        }

        try
        {
            kernel.StartDaemon(wanted);
            LogStarted(logger, role, config.Interface, config.SyncId);
        }
        catch (IpvsErrorException ex)
        {
            LogStartFailed(logger, role, config.Interface, ex.Message, ex);
        }
    }

    private void Stop(IpvsSyncState role)
    {
        try
        {
            kernel.StopDaemon(role);
            LogStopped(logger, role);
        }
        catch (IpvsErrorException ex) when (ex.Errno == Errno.ESRCH)
        {
            // None of that role was running: nothing to stop.
        }
        catch (IpvsErrorException ex)
        {
            LogStopFailed(logger, role, ex.Message, ex);
        }
    }
}
